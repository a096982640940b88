package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.core.CallerContext;
import dev.gitlabmcp.gateway.gitlab.Credential;
import dev.gitlabmcp.gateway.gitlab.GitLabCall;
import dev.gitlabmcp.gateway.gitlab.GitLabReply;
import dev.gitlabmcp.gateway.gitlab.RegistryClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Asks GitLab who a token belongs to ({@code GET /user}, or {@code GET /job} for job tokens) and
 * remembers the answer for a short time, so steady traffic costs no extra GitLab call. Concurrent
 * checks of one token share one call. Shared by all HTTP verticles.
 *
 * <p>Entries are keyed by an HMAC-SHA-256 of the token under a per-process random key (a shared key
 * once the cache lives in Redis), so a cache dump reveals no token and cannot be checked against a
 * guessed one. Accepted and refused tokens are kept in two separate bounded maps: a flood of distinct
 * invalid tokens only ever evicts other refusals, never a verified caller.
 */
public final class IdentityVerifier {

  /** Why a token was not accepted. */
  public enum Outcome { VALID, INVALID, UNAVAILABLE }

  /** The verdict: an identity when VALID, else a sentence for the caller. */
  public record Verdict(Outcome outcome, Identity identity, String message) {
  }

  /** Most verified tokens remembered; beyond it the oldest entry goes. */
  static final int MAX_VALID = 100_000;
  /** Most refused tokens remembered: smaller, as refusals are cheap to attack with and cheap to forget. */
  static final int MAX_INVALID = 10_000;
  /** Refusals are remembered this long at most: a token fixed by its owner works again soon. */
  static final long NEGATIVE_TTL_MS = 30_000;

  private final Vertx vertx;
  private final String instance;
  private final long ttlMillis;
  private final Clock clock;
  private final RegistryClient registry;
  private final ThreadLocal<Mac> macs;
  private final Expiring valid;
  private final Expiring invalid;
  private final ConcurrentHashMap<String, Future<Verdict>> inFlight = new ConcurrentHashMap<>();

  public IdentityVerifier(Vertx vertx, String instance, int ttlSeconds, long timeoutMs) {
    this(vertx, instance, ttlSeconds, timeoutMs, Clock.systemUTC(), null);
  }

  /**
   * @param ttlSeconds how long a verified token is trusted (refusals: at most {@link #NEGATIVE_TTL_MS})
   * @param timeoutMs how long GitLab may take to answer a check
   * @param clock the time entries expire by
   * @param hmacKey the key of the entries' HMAC, for replicas sharing a cache; {@code null}: the entries are keyed
   *     by the credential's {@link Credential#fingerprint()} (an HMAC under a random per-process key, which the
   *     GitLab client computes for its limiter anyway), so a request hashes its token once, not twice
   */
  public IdentityVerifier(Vertx vertx, String instance, int ttlSeconds, long timeoutMs, Clock clock, byte[] hmacKey) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.instance = instance;
    this.ttlMillis = ttlSeconds * 1000L;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.registry = new RegistryClient(vertx, timeoutMs);
    if (hmacKey == null) {
      this.macs = null;
    } else {
      if (hmacKey.length < 32) {
        throw new IllegalArgumentException("the token cache's HMAC key needs at least 32 bytes");
      }
      SecretKeySpec key = new SecretKeySpec(hmacKey.clone(), "HmacSHA256");
      this.macs = ThreadLocal.withInitial(() -> newMac(key));
      newMac(key); // fail at construction, not on the first request
    }
    this.valid = new Expiring(MAX_VALID);
    this.invalid = new Expiring(MAX_INVALID);
  }

  public Future<Verdict> verify(Credential credential) {
    return verify(instance, credential);
  }

  /**
   * Verifies a token with the named instance: a token is only ever sent to the instance the caller chose.
   * The future completes on the caller's own context, also when it joined another caller's check.
   */
  public Future<Verdict> verify(String instanceName, Credential credential) {
    String key = key(instanceName, credential);
    Verdict known = lookup(key);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    // Claim the key first, then ask GitLab outside the map operation: a callback that runs at once
    // must not touch the map while it is being updated.
    Promise<Verdict> shared = Promise.promise();
    Future<Verdict> running = inFlight.putIfAbsent(key, shared.future());
    if (running != null) {
      return CallerContext.follow(running);
    }
    Future<Verdict> mine = CallerContext.follow(shared.future());
    ask(instanceName, credential).onComplete(ar -> {
      inFlight.remove(key);
      if (ar.succeeded() && ar.result().outcome() != Outcome.UNAVAILABLE) {
        remember(key, ar.result());
      }
      shared.handle(ar);
    });
    return mine;
  }

  /**
   * The remembered verdict of a token, or null when GitLab would have to be asked: the HTTP layer
   * charges the per-address budget only for those.
   */
  public Verdict cached(String instanceName, Credential credential) {
    return lookup(key(instanceName, credential));
  }

  /** Drops expired entries (a background sweep; requests never wait for it). */
  public void evictExpired() {
    long now = clock.millis();
    valid.evictExpired(now);
    invalid.evictExpired(now);
  }

  private Verdict lookup(String key) {
    long now = clock.millis();
    Verdict v = valid.get(key, now);
    return v != null ? v : invalid.get(key, now);
  }

  private void remember(String key, Verdict v) {
    boolean ok = v.outcome() == Outcome.VALID;
    long ttl = ok ? ttlMillis : Math.min(ttlMillis, NEGATIVE_TTL_MS);
    if (ttl <= 0) {
      return;
    }
    long expiresAt = clock.millis() + ttl;
    if (ok) {
      invalid.remove(key); // a token GitLab refused moments ago and accepts now
      valid.put(key, v, expiresAt);
    } else {
      valid.remove(key);
      invalid.put(key, v, expiresAt);
    }
  }

  private Future<Verdict> ask(String instanceName, Credential credential) {
    boolean job = credential.kind() == Credential.Kind.JOB_TOKEN;
    GitLabCall call = new GitLabCall(null, instanceName, HttpMethod.GET, job ? "/job" : "/user", null, credential, true);
    return registry.send(call).map(reply -> verdict(reply, job));
  }

  static Verdict verdict(GitLabReply reply, boolean job) {
    if (reply.failure() == GitLabReply.Failure.TIMEOUT) {
      return new Verdict(Outcome.UNAVAILABLE, null, "GitLab did not answer the token check in time");
    }
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

  /** The cache key: the instance and the keyed hash of the credential (its kind included); never the token. */
  String key(String instanceName, Credential c) {
    if (macs == null) {
      return instanceName + ':' + c.fingerprint();
    }
    Mac mac = macs.get();
    mac.update((byte) c.kind().ordinal());
    byte[] digest = mac.doFinal(c.secret().reveal().getBytes(StandardCharsets.UTF_8));
    return instanceName + ':' + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }


  /**
   * A bounded map whose entries all live equally long, so insertion order is expiry order: the
   * oldest entry is the first to expire and the one dropped when full, and a sweep stops at the
   * first live entry. Every operation is O(1) (a sweep: O(expired)). Called from several event
   * loops, hence the lock; it is held only for a map operation.
   */
  private static final class Expiring {

    private record Entry(Verdict verdict, long expiresAt) {
    }

    private final int capacity;
    private final LinkedHashMap<String, Entry> map = new LinkedHashMap<>();

    Expiring(int capacity) {
      this.capacity = capacity;
    }

    synchronized Verdict get(String key, long now) {
      Entry e = map.get(key);
      if (e == null) {
        return null;
      }
      if (e.expiresAt() <= now) {
        map.remove(key);
        return null;
      }
      return e.verdict();
    }

    synchronized void put(String key, Verdict v, long expiresAt) {
      map.remove(key); // re-inserted last: insertion order stays expiry order
      if (map.size() >= capacity) {
        Iterator<String> oldest = map.keySet().iterator();
        oldest.next();
        oldest.remove();
      }
      map.put(key, new Entry(v, expiresAt));
    }

    synchronized void remove(String key) {
      map.remove(key);
    }

    synchronized void evictExpired(long now) {
      Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator();
      while (it.hasNext() && it.next().getValue().expiresAt() <= now) {
        it.remove();
      }
    }

    synchronized int size() {
      return map.size();
    }
  }

  /** How many verified and refused tokens are remembered now (for tests of the bounds). */
  int[] entries() {
    return new int[] {valid.size(), invalid.size()};
  }
}
