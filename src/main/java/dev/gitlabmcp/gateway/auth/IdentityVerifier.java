package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.Addresses;
import dev.gitlabmcp.gateway.gitlab.Credential;
import dev.gitlabmcp.gateway.gitlab.GitLabCall;
import dev.gitlabmcp.gateway.gitlab.GitLabReply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks GitLab who a token belongs to ({@code GET /user}, or {@code GET /job} for job tokens) and
 * remembers the answer by the token's SHA-256 for a short time, so steady traffic costs no extra
 * GitLab call. Concurrent checks of one token share one call. Shared by all HTTP verticles.
 */
public final class IdentityVerifier {

  /** Why a token was not accepted. */
  public enum Outcome { VALID, INVALID, UNAVAILABLE }

  /** The verdict: an identity when VALID, else a sentence for the caller. */
  public record Verdict(Outcome outcome, Identity identity, String message) {
  }

  static final int MAX_ENTRIES = 100_000;
  private static final long NEGATIVE_TTL_MS = 30_000;

  private record Cached(Verdict verdict, long expiresAtMillis) {
  }

  private final Vertx vertx;
  private final String instance;
  private final long ttlMillis;
  private final DeliveryOptions delivery;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Future<Verdict>> inFlight = new ConcurrentHashMap<>();

  public IdentityVerifier(Vertx vertx, String instance, int ttlSeconds, long timeoutMs) {
    this.vertx = vertx;
    this.instance = instance;
    this.ttlMillis = ttlSeconds * 1000L;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public Future<Verdict> verify(Credential credential) {
    return verify(instance, credential);
  }

  /** The remembered verdict for a token on an instance, or null when GitLab would have to be asked. */
  public Verdict cached(String instanceName, Credential credential) {
    Cached c = cache.get(instanceName + ":" + hash(credential));
    return c != null && c.expiresAtMillis() > System.currentTimeMillis() ? c.verdict() : null;
  }

  /** Verifies a token with the named instance: a token is only ever sent to the instance the caller chose. */
  public Future<Verdict> verify(String instanceName, Credential credential) {
    String key = instanceName + ":" + hash(credential);
    Cached c = cache.get(key);
    long now = System.currentTimeMillis();
    if (c != null && c.expiresAtMillis() > now) {
      return Future.succeededFuture(c.verdict());
    }
    // Claim the key first, then ask GitLab outside the map operation: a callback that runs at once
    // must not touch the map while it is being updated.
    Promise<Verdict> mine = Promise.promise();
    Future<Verdict> shared = inFlight.putIfAbsent(key, mine.future());
    if (shared != null) {
      return shared;
    }
    ask(instanceName, credential).onComplete(ar -> {
      inFlight.remove(key);
      if (ar.succeeded() && ar.result().outcome() != Outcome.UNAVAILABLE) {
        remember(key, ar.result());
      }
      mine.handle(ar);
    });
    return mine.future();
  }

  private void remember(String key, Verdict v) {
    long ttl = v.outcome() == Outcome.VALID ? ttlMillis : Math.min(ttlMillis, NEGATIVE_TTL_MS);
    if (ttl <= 0) {
      return;
    }
    if (cache.size() >= MAX_ENTRIES) {
      evictExpired();
      if (cache.size() >= MAX_ENTRIES) {
        cache.clear(); // a flood of distinct tokens: start over rather than grow without bound
      }
    }
    cache.put(key, new Cached(v, System.currentTimeMillis() + ttl));
  }

  public void evictExpired() {
    long now = System.currentTimeMillis();
    cache.values().removeIf(c -> c.expiresAtMillis() <= now);
  }

  private Future<Verdict> ask(String instanceName, Credential credential) {
    boolean job = credential.kind() == Credential.Kind.JOB_TOKEN;
    GitLabCall call = new GitLabCall(null, instanceName, HttpMethod.GET, job ? "/job" : "/user", null, credential, true);
    return vertx.eventBus().<GitLabReply>request(Addresses.GITLAB_CALL, call, delivery)
        .map(msg -> verdict(msg.body(), job))
        .otherwise(err -> new Verdict(Outcome.UNAVAILABLE, null, "GitLab did not answer the token check in time"));
  }

  static Verdict verdict(GitLabReply reply, boolean job) {
    if (reply.failure() != null) {
      return new Verdict(Outcome.UNAVAILABLE, null, "GitLab could not be reached to check the token");
    }
    int s = reply.status();
    if (s == 401 || s == 403 || s == 404) {
      return new Verdict(Outcome.INVALID, null, s == 403
          ? "GitLab refused the token for this (it may lack the api or read_api scope)"
          : "GitLab does not accept the token (unknown, expired or revoked)");
    }
    if (s < 200 || s >= 300) {
      return new Verdict(Outcome.UNAVAILABLE, null, "GitLab answered " + s + " to the token check");
    }
    try {
      JsonObject body = new JsonObject(reply.body());
      JsonObject user = job ? body.getJsonObject("user") : body;
      Number id = user == null ? null : user.getNumber("id");
      if (id == null) {
        return new Verdict(Outcome.INVALID, null, "GitLab's answer names no user for the token");
      }
      return new Verdict(Outcome.VALID, new Identity(id.longValue(), user.getString("username", "")), null);
    } catch (RuntimeException e) {
      return new Verdict(Outcome.UNAVAILABLE, null, "GitLab's answer to the token check is not JSON");
    }
  }

  static String hash(Credential c) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update((byte) c.kind().ordinal());
      return HexFormat.of().formatHex(d.digest(c.secret().reveal().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
