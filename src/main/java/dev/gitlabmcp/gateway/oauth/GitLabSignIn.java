package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.OAuthClientConfig;
import dev.gitlabmcp.gateway.gitlab.GitLabClientFactory;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The gateway as an OAuth client of GitLab (Doorkeeper): the authorize URL with the gateway's own PKCE,
 * the code exchange at {@code /oauth/token} (client_secret for a confidential application), who signed in
 * ({@code /api/v4/user}) and whether they belong to an allowed group. One web client per instance, with
 * that instance's TLS and proxy options.
 */
final class GitLabSignIn {

  /** GitLab refused or could not be asked; {@code error} is an RFC 6749 §4.1.2.1 code for the client. */
  static final class Refused extends RuntimeException {
    final String error;

    Refused(String error, String description) {
      super(description, null, false, false);
      this.error = error;
    }
  }

  /** Who signed in on an instance. */
  record User(long id, String username) {
  }

  private static final int MAX_GROUP_PAGES = 10;

  private final Vertx vertx;
  private final LongSupplier clock;
  private final Map<String, WebClient> clients = new ConcurrentHashMap<>();

  GitLabSignIn(Vertx vertx, LongSupplier clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  static String authorizeUrl(GitLabConfig instance, OAuthClientConfig app, String redirectUri, String state,
                             String verifier, String scope) {
    return instance.baseUrl() + "/oauth/authorize?client_id=" + enc(app.clientId()) + "&redirect_uri="
        + enc(redirectUri) + "&response_type=code&state=" + enc(state) + "&scope=" + enc(scope)
        + "&code_challenge=" + enc(Pkce.challengeOf(verifier)) + "&code_challenge_method=S256";
  }

  /** Exchanges GitLab's code; a refusal carries GitLab's error code in its description. */
  Future<GitLabTokens> exchange(GitLabConfig instance, OAuthClientConfig app, String code, String redirectUri,
                                String verifier) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "authorization_code").add("code", code)
        .add("redirect_uri", redirectUri).add("client_id", app.clientId()).add("code_verifier", verifier);
    if (app.clientSecret().isSet()) {
      form.add("client_secret", app.clientSecret().reveal());
    }
    long now = clock.getAsLong();
    return client(instance).postAbs(instance.baseUrl() + "/oauth/token").timeout(instance.requestTimeoutMs())
        .putHeader("Accept", "application/json").sendForm(form)
        .recover(err -> Future.failedFuture(unreachable(instance)))
        .map(resp -> {
          JsonObject body = json(resp);
          if (resp.statusCode() != 200 || body == null || body.getString("access_token") == null) {
            String error = body == null ? "HTTP " + resp.statusCode() : body.getString("error", "HTTP "
                + resp.statusCode());
            throw new Refused("access_denied", "GitLab refused the sign-in (" + printable(error) + "); start again");
          }
          long expiresIn = body.getValue("expires_in") instanceof Number n ? n.longValue() : 7200;
          return new GitLabTokens(body.getString("access_token"), body.getString("refresh_token", ""),
              now + expiresIn * 1000, body.getString("scope", ""));
        });
  }

  Future<User> user(GitLabConfig instance, String accessToken) {
    return client(instance).getAbs(instance.apiBase() + "/user").timeout(instance.requestTimeoutMs())
        .bearerTokenAuthentication(accessToken).send()
        .recover(err -> Future.failedFuture(unreachable(instance)))
        .map(resp -> {
          JsonObject body = json(resp);
          if (resp.statusCode() != 200 || body == null || !(body.getValue("id") instanceof Number id)) {
            throw new Refused("access_denied", "GitLab did not say who signed in (HTTP " + resp.statusCode()
                + " from /api/v4/user); the GitLab application needs the api or read_api scope");
          }
          return new User(id.longValue(), body.getString("username", ""));
        });
  }

  /** Whether the user is a member of one of {@code allowed} (full paths; a subgroup of one counts). */
  Future<Boolean> memberOfAny(GitLabConfig instance, String accessToken, List<String> allowed) {
    if (allowed.isEmpty()) {
      return Future.succeededFuture(true);
    }
    List<String> wanted = allowed.stream().map(g -> g.toLowerCase(Locale.ROOT).replaceAll("^/+|/+$", "")).toList();
    return groupsPage(instance, accessToken, wanted, 1);
  }

  private Future<Boolean> groupsPage(GitLabConfig instance, String accessToken, List<String> wanted, int page) {
    return client(instance).getAbs(instance.apiBase() + "/groups?min_access_level=10&per_page=100&page=" + page)
        .timeout(instance.requestTimeoutMs()).bearerTokenAuthentication(accessToken).send()
        .recover(err -> Future.failedFuture(unreachable(instance)))
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return Future.failedFuture(new Refused("access_denied", "GitLab did not list the user's groups (HTTP "
                + resp.statusCode() + ")"));
          }
          JsonArray groups;
          try {
            groups = resp.bodyAsJsonArray();
          } catch (RuntimeException e) {
            groups = new JsonArray();
          }
          for (Object g : groups) {
            String path = g instanceof JsonObject o ? o.getString("full_path", "").toLowerCase(Locale.ROOT) : "";
            if (wanted.stream().anyMatch(w -> path.equals(w) || path.startsWith(w + "/"))) {
              return Future.succeededFuture(true);
            }
          }
          String next = resp.getHeader("X-Next-Page");
          boolean more = next != null && !next.isBlank() && page < MAX_GROUP_PAGES;
          return more ? groupsPage(instance, accessToken, wanted, page + 1) : Future.succeededFuture(false);
        });
  }

  private WebClient client(GitLabConfig instance) {
    String key = instance.name() + " " + instance.baseUrl() + " " + instance.caFile() + " " + instance.proxy();
    return clients.computeIfAbsent(key, k -> {
      HttpClientOptions base = GitLabClientFactory.options(instance).setProtocolVersion(HttpVersion.HTTP_1_1)
          .setUseAlpn(false).setName("gitlab-oauth-" + instance.name());
      return WebClient.create(vertx, new WebClientOptions(base).setFollowRedirects(false));
    });
  }

  private static JsonObject json(HttpResponse<Buffer> resp) {
    try {
      return resp.bodyAsJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Refused unreachable(GitLabConfig instance) {
    return new Refused("temporarily_unavailable", "GitLab (" + instance.name() + ") could not be reached; try again");
  }

  /** Text from GitLab safe to repeat: letters, digits and a few signs, at most 60 characters. */
  static String printable(String s) {
    String t = s.replaceAll("[^A-Za-z0-9_ .-]", "");
    return t.length() > 60 ? t.substring(0, 60) : t;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
