package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.gitlab.GitLabClientFactory;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * GitLab's refresh_token grant ({@code POST <instance>/oauth/token}): a new token pair for the old one.
 * GitLab then invalidates the old pair, so callers make sure only one refresh of a pair ever runs
 * ({@link GrantTokens}). One web client per instance, with that instance's TLS and proxy options.
 */
public final class GitLabRefresh {

  /** The gateway's GitLab application on an instance, as the refresh repeats it. */
  public record App(String clientId, Secret clientSecret, String redirectUri) {
  }

  /** GitLab answered {@code invalid_grant}: the pair was revoked, expired or already used; sign in again. */
  static final class Revoked extends RuntimeException {
    Revoked(String message) {
      super(message, null, false, false);
    }
  }

  /** GitLab could not be asked, or answered something else than tokens or invalid_grant. */
  static final class Unavailable extends RuntimeException {
    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  private final Vertx vertx;
  private final InstanceDirectory instances;
  private final Function<String, App> apps;
  private final LongSupplier clock;
  private final Map<String, WebClient> clients = new ConcurrentHashMap<>();

  GitLabRefresh(Vertx vertx, InstanceDirectory instances, Function<String, App> apps, LongSupplier clock) {
    this.vertx = vertx;
    this.instances = instances;
    this.apps = apps;
    this.clock = clock;
  }

  /** The client id of the instance's GitLab application now (null when it has none or is gone). */
  String clientIdOf(String instance) {
    App app = instances.get(instance) == null ? null : apps.apply(instance);
    return app == null ? null : app.clientId();
  }

  Future<GitLabTokens> refresh(String instance, GitLabTokens current) {
    GitLabConfig c = instances.get(instance);
    App app = c == null ? null : apps.apply(instance);
    if (app == null || app.clientId().isEmpty()) {
      return Future.failedFuture(new Revoked("instance " + instance + " no longer has a GitLab application"));
    }
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "refresh_token")
        .add("refresh_token", current.refreshToken()).add("client_id", app.clientId())
        .add("redirect_uri", app.redirectUri());
    if (app.clientSecret().isSet()) {
      form.add("client_secret", app.clientSecret().reveal());
    }
    long now = clock.getAsLong();
    return client(c).postAbs(c.baseUrl() + "/oauth/token").timeout(c.requestTimeoutMs())
        .putHeader("Accept", "application/json").sendForm(form)
        .recover(err -> Future.failedFuture(new Unavailable("GitLab (" + instance + ") could not be reached")))
        .map(resp -> {
          JsonObject body = json(resp.bodyAsString());
          String error = body == null ? null : body.getString("error");
          if (resp.statusCode() == 200 && body != null && body.getValue("access_token") instanceof String at) {
            long expiresIn = body.getValue("expires_in") instanceof Number n ? n.longValue() : 7200;
            return new GitLabTokens(at, body.getString("refresh_token", current.refreshToken()),
                now + expiresIn * 1000, body.getString("scope", current.scope()));
          }
          if ("invalid_grant".equals(error) || resp.statusCode() == 401) {
            throw new Revoked("GitLab (" + instance + ") no longer accepts this sign-in (" + error + ")");
          }
          throw new Unavailable("GitLab (" + instance + ") answered the token refresh with HTTP " + resp.statusCode());
        });
  }

  private WebClient client(GitLabConfig instance) {
    String key = instance.name() + " " + instance.baseUrl() + " " + instance.caFile() + " " + instance.proxy();
    return clients.computeIfAbsent(key, k -> {
      HttpClientOptions base = GitLabClientFactory.options(instance).setProtocolVersion(HttpVersion.HTTP_1_1)
          .setUseAlpn(false).setName("gitlab-oauth-refresh-" + instance.name());
      return WebClient.create(vertx, new WebClientOptions(base).setFollowRedirects(false));
    });
  }

  private static JsonObject json(String s) {
    try {
      return s == null ? null : new JsonObject(s);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
