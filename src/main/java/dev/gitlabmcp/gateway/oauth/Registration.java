package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.state.ClientRecord;
import dev.gitlabmcp.gateway.state.ClientStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * RFC 7591 dynamic client registration, for clients that predate metadata documents: validated redirect
 * URIs (at most {@link RedirectUris#MAX}), SEP-837 {@code application_type}, a secret only for confidential
 * clients (stored as a keyed hash), at most {@link #PER_ADDRESS_PER_MINUTE} registrations per client address
 * and {@link #MAX_CLIENTS} in all.
 */
final class Registration {

  static final int PER_ADDRESS_PER_MINUTE = 10;
  static final long MAX_CLIENTS = 100_000;
  private static final Set<String> METHODS = Set.of("none", "client_secret_basic", "client_secret_post");
  private static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token");

  private final ClientStore clients;
  private final KeyRing keys;
  private final RateLimiter limiter;
  private final LongSupplier clock;

  Registration(ClientStore clients, KeyRing keys, RateLimiter limiter, LongSupplier clock) {
    this.clients = clients;
    this.keys = keys;
    this.limiter = limiter;
    this.clock = clock;
  }

  /** Registers the client {@code metadata} describes; the answer is the RFC 7591 §3.2.1 response. */
  Future<JsonObject> register(JsonObject metadata, String address) {
    ClientRecord record;
    String secret;
    try {
      String method = metadata.getValue("token_endpoint_auth_method") == null ? "client_secret_basic"
          : text(metadata, "token_endpoint_auth_method");
      if (!METHODS.contains(method)) {
        throw invalid("token_endpoint_auth_method must be one of " + METHODS);
      }
      List<String> uris = redirectUris(metadata);
      String type = metadata.getValue("application_type") == null ? RedirectUris.inferType(uris)
          : text(metadata, "application_type");
      if (!type.equals("native") && !type.equals("web")) {
        throw invalid("application_type must be native or web");
      }
      for (String u : uris) {
        String p = RedirectUris.problem(u, type);
        if (p != null) {
          throw new OAuthError(400, "invalid_redirect_uri", p);
        }
      }
      checkSubset(metadata, "grant_types", GRANT_TYPES);
      checkSubset(metadata, "response_types", Set.of("code"));
      secret = method.equals("none") ? null : Pkce.random(32);
      String id = "gmcp-" + Pkce.random(18);
      record = new ClientRecord(id, displayName(metadata.getValue("client_name") instanceof String n ? n : ""), uris,
          method, secret == null ? "" : keys.hash("client-secret", secret), type, clock.getAsLong());
    } catch (OAuthError e) {
      return Future.failedFuture(e);
    }
    return limiter.acquire("oauth-register:" + address, PER_ADDRESS_PER_MINUTE, 1)
        .compose(d -> d.allowed() ? clients.count() : Future.failedFuture(new OAuthError(429, "too_many_requests",
            "Too many client registrations from this address; try again in " + d.resetSeconds() + " s")))
        .compose(n -> n >= MAX_CLIENTS ? Future.failedFuture(OAuthError.serverError("The gateway holds too many "
            + "registered clients; ask its operator")) : clients.put(record))
        .map(v -> answer(record, secret));
  }

  private static JsonObject answer(ClientRecord r, String secret) {
    JsonObject out = new JsonObject().put("client_id", r.clientId()).put("client_id_issued_at", r.createdAt() / 1000)
        .put("client_name", r.clientName()).put("redirect_uris", new JsonArray(r.redirectUris()))
        .put("token_endpoint_auth_method", r.tokenEndpointAuthMethod())
        .put("grant_types", new JsonArray().add("authorization_code").add("refresh_token"))
        .put("response_types", new JsonArray().add("code")).put("application_type", r.applicationType());
    if (secret != null) {
      out.put("client_secret", secret).put("client_secret_expires_at", 0);
    }
    return out;
  }

  /** A client name as pages show it: printable, at most 100 characters. */
  static String displayName(String raw) {
    String s = raw == null ? "" : raw.replaceAll("\\p{C}", " ").strip();
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }

  static OAuthClient toClient(ClientRecord r) {
    return new OAuthClient(r.clientId(), r.clientName(), r.redirectUris(), r.tokenEndpointAuthMethod(),
        r.secretHash(), OAuthClient.Kind.REGISTERED, null);
  }

  private static List<String> redirectUris(JsonObject m) {
    if (!(m.getValue("redirect_uris") instanceof JsonArray a) || a.isEmpty()) {
      throw new OAuthError(400, "invalid_redirect_uri", "redirect_uris must be a non-empty array");
    }
    if (a.size() > RedirectUris.MAX || !a.stream().allMatch(String.class::isInstance)) {
      throw new OAuthError(400, "invalid_redirect_uri", "redirect_uris must be 1 to " + RedirectUris.MAX + " strings");
    }
    return a.stream().map(String.class::cast).distinct().toList();
  }

  private static void checkSubset(JsonObject m, String field, Set<String> allowed) {
    Object v = m.getValue(field);
    if (v != null && (!(v instanceof JsonArray a) || !a.stream().allMatch(allowed::contains))) {
      throw invalid(field + " may hold only " + allowed);
    }
  }

  private static String text(JsonObject m, String field) {
    if (!(m.getValue(field) instanceof String s)) {
      throw invalid(field + " must be a string");
    }
    return s;
  }

  private static OAuthError invalid(String description) {
    return new OAuthError(400, "invalid_client_metadata", description);
  }
}
