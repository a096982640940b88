package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.limit.ClientAddress;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /oauth/token} (authorization_code with PKCE, the same redirect URI and resource; refresh_token)
 * and {@code /oauth/revoke} (RFC 7009). Clients authenticate with none (public, PKCE),
 * client_secret_basic or client_secret_post. A code is spent on first presentation, right or wrong; a code
 * presented again revokes what it issued. Answers carry {@code Cache-Control: no-store}.
 */
final class TokenHandler {

  private static final Logger LOG = LoggerFactory.getLogger(TokenHandler.class);
  private static final long SPENT_MS = 15 * 60_000L;

  /** Token and revocation requests one address may make per minute (a client refreshes about hourly). */
  static final int PER_ADDRESS_PER_MINUTE = 300;

  private final OAuthServer s;
  private final RateLimiter limiter;
  private final ClientAddress addresses;

  TokenHandler(OAuthServer server, RateLimiter limiter, ClientAddress addresses) {
    this.s = server;
    this.limiter = limiter;
    this.addresses = addresses;
  }

  /** Charges the caller's address before any store or GitLab work: guessing codes or tokens costs budget. */
  private Future<Void> charge(RoutingContext ctx) {
    return limiter.acquire("oauth-token:" + addresses.of(ctx.request()), PER_ADDRESS_PER_MINUTE, 1).compose(d -> {
      if (d.allowed()) {
        return Future.succeededFuture();
      }
      ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, d.resetSeconds())));
      return Future.failedFuture(new OAuthError(429, "too_many_requests",
          "Too many token requests from this address; try again in " + d.resetSeconds() + " s"));
    });
  }

  static String codeKey(KeyRing keys, String code) {
    return "oauth:code:" + keys.hash("code", code);
  }

  void token(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    String grantType = form.get("grant_type");
    Future<JsonObject> answer = charge(ctx).compose(v -> authenticate(ctx, form)).compose(caller -> switch (grantType == null ? "" : grantType) {
      case "authorization_code" -> authorizationCode(form, caller);
      case "refresh_token" -> refresh(form, caller);
      default -> Future.failedFuture(new OAuthError(400, "unsupported_grant_type",
          "grant_type must be authorization_code or refresh_token"));
    });
    answer.onSuccess(json -> reply(ctx, 200, json)).onFailure(err -> fail(ctx, err));
  }

  void revoke(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    String token = form.get("token");
    charge(ctx).compose(v -> authenticate(ctx, form))
        .compose(caller -> token == null || token.isEmpty()
            ? Future.failedFuture(OAuthError.invalidRequest("token is required"))
            : s.grants().revoke(token, caller.clientId()))
        .onSuccess(v -> reply(ctx, 200, new JsonObject()))
        .onFailure(err -> fail(ctx, err));
  }

  private Future<JsonObject> authorizationCode(MultiMap form, OAuthClient client) {
    String code = form.get("code");
    if (code == null || code.isEmpty() || code.length() > 200) {
      return Future.failedFuture(OAuthError.invalidRequest("code is required"));
    }
    String key = codeKey(s.keys(), code);
    String spentKey = "oauth:code-spent:" + key.substring("oauth:code:".length());
    return s.state().transients().take(key).compose(json -> {
      if (json == null) {
        return reused(spentKey);
      }
      CallbackHandler.CodeRecord rec = CallbackHandler.CodeRecord.fromJson(new JsonObject(json));
      String problem = codeProblem(rec, form, client);
      Future<Void> spent = s.state().transients().put(spentKey, rec.grantId(), SPENT_MS);
      if (problem != null) {
        return spent.compose(v -> s.grants().revokeGrant(rec.grantId()))
            .transform(ar -> Future.failedFuture(problem.startsWith("resource")
                ? new OAuthError(400, "invalid_target", problem) : OAuthError.invalidGrant(problem)));
      }
      return spent.compose(v -> s.grants().redeem(rec.grantId(), client.clientId())).map(TokenHandler::tokens);
    });
  }

  /** A code that is gone: expired, unknown, or spent (then what it issued is revoked). */
  private Future<JsonObject> reused(String spentKey) {
    return s.state().transients().get(spentKey).compose(grantId -> {
      if (grantId == null) {
        return Future.failedFuture(OAuthError.invalidGrant("the authorization code is unknown or expired"));
      }
      LOG.warn("oauth_code_reused grant={}", grantId);
      return s.grants().revokeGrant(grantId).transform(ar -> Future.failedFuture(OAuthError.invalidGrant(
          "the authorization code was already used; the tokens issued for it are revoked")));
    });
  }

  private static String codeProblem(CallbackHandler.CodeRecord rec, MultiMap form, OAuthClient client) {
    if (!rec.clientId().equals(client.clientId())) {
      return "the authorization code was issued to another client";
    }
    String redirect = form.get("redirect_uri");
    if (redirect != null && !redirect.equals(rec.redirectUri())
        || redirect == null && client.redirectUris().size() != 1) {
      return "redirect_uri differs from the one of the authorization request";
    }
    if (!Pkce.matches(rec.codeChallenge(), form.get("code_verifier"))) {
      return "code_verifier does not match the code_challenge (PKCE)";
    }
    String resource = form.get("resource");
    if (resource != null && !resource.isEmpty() && !rec.resource().equals(OAuthServer.canonical(resource))
        && !OAuthServer.canonical(rec.resource()).equals(OAuthServer.canonical(resource))) {
      return "resource differs from the one of the authorization request (" + rec.resource() + ")";
    }
    return null;
  }

  private Future<JsonObject> refresh(MultiMap form, OAuthClient client) {
    String token = form.get("refresh_token");
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(OAuthError.invalidRequest("refresh_token is required"));
    }
    String scope = form.get("scope");
    List<String> scopes = scope == null || scope.isBlank() ? List.of() : List.of(scope.trim().split("\\s+"));
    return s.grants().refresh(token, client.clientId(), scopes).map(TokenHandler::tokens);
  }

  private static JsonObject tokens(IssuedTokens t) {
    return new JsonObject().put("access_token", t.accessToken()).put("token_type", "Bearer")
        .put("expires_in", t.expiresInSeconds()).put("refresh_token", t.refreshToken())
        .put("scope", String.join(" ", t.scopes()));
  }

  /** The client: by HTTP Basic or by form fields; a confidential client must prove its secret. */
  private Future<OAuthClient> authenticate(RoutingContext ctx, MultiMap form) {
    String id = form.get("client_id");
    String secret = form.get("client_secret");
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException();
        }
        id = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
        secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(OAuthError.invalidClient("malformed Basic authorization"));
      }
    }
    String presented = secret;
    return s.clients().find(id).compose(client -> {
      if (client.confidential() && (presented == null || !s.keys().matches("client-secret", presented,
          client.secretHash()))) {
        return Future.failedFuture(OAuthError.invalidClient("client authentication failed"));
      }
      return Future.succeededFuture(client);
    });
  }

  private static void reply(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache").end(body.toBuffer());
  }

  static void fail(RoutingContext ctx, Throwable err) {
    if (err instanceof OAuthError e) {
      if (e.status() == 401 && ctx.request().getHeader("Authorization") != null) {
        ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"gitlab-mcp-gateway\"");
      }
      reply(ctx, e.status(), new JsonObject().put("error", e.error()).put("error_description", e.description()));
    } else {
      LOG.error("oauth_endpoint_failed path={} error={}", ctx.request().path(), err.getClass().getName());
      reply(ctx, 503, new JsonObject().put("error", "temporarily_unavailable")
          .put("error_description", "The gateway could not complete the request; try again"));
    }
  }
}
