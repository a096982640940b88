package dev.gitlabmcp.gateway.tier;

import dev.gitlabmcp.gateway.core.Addresses;
import dev.gitlabmcp.gateway.gitlab.Credential;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@link Addresses#TIER_LOOKUP}: which plan (free, premium, ultimate, unknown) the top-level
 * namespace of a project, group or namespace has, as one caller sees it.
 *
 * <p>Answers are cached per (instance, caller identity, top-level namespace) for the TTL; the caller
 * identity is the principal's subject plus a hash of its credential, so two callers whose tokens see
 * different things never share an entry, and no token is kept in a key. Concurrent lookups of one key
 * share one GitLab query. A lookup answers UNKNOWN when GitLab has not answered within the timeout;
 * the query keeps running and its answer is cached for the next call. All state lives on this
 * verticle's event loop: no locks. Entries expire by an injected clock.
 */
public final class TierDetectorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TierDetectorVerticle.class);

  /** How long a namespace's plan is trusted: plans change rarely (a purchase, a trial ending). */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
  /** How long a tool call waits for a plan before it goes ahead without one. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(1500);
  /** How long one GitLab request of a detection may take; it runs on after a timed-out lookup and fills the cache. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  /** An answer that says GitLab could not be asked (timeout, unreachable) is kept briefly only. */
  static final Duration FAILURE_TTL = Duration.ofSeconds(30);
  /** Upper bound on cached entries; the oldest go first. */
  static final int MAX_ENTRIES = 10_000;

  private final MeterRegistry registry;
  private final long ttlMs;
  private final long timeoutMs;
  private final Clock clock;
  private final Map<String, Entry> cache = new LinkedHashMap<>();
  /** Numeric project, group or namespace id -> its top-level namespace, per instance and caller. */
  private final Map<String, Alias> aliases = new LinkedHashMap<>();
  private final Map<String, Future<TierAnswer>> inFlight = new HashMap<>();
  private TierClient client;
  private MessageConsumer<TierQuery> consumer;

  private record Entry(TierAnswer answer, long expiresAt) {
  }

  private record Alias(String top, long expiresAt) {
  }

  /** A detector whose entries expire by the system clock. */
  public TierDetectorVerticle(MeterRegistry registry, Duration ttl, Duration timeout) {
    this(registry, ttl, timeout, Clock.systemUTC());
  }

  /**
   * @param registry where the counters go, or null for none
   * @param ttl how long answers are cached (zero: not cached; concurrent lookups still share one query)
   * @param timeout how long a lookup waits for GitLab before answering UNKNOWN
   * @param clock the time cached answers expire by
   */
  public TierDetectorVerticle(MeterRegistry registry, Duration ttl, Duration timeout, Clock clock) {
    if (ttl == null || ttl.isNegative()) {
      throw new IllegalArgumentException("the tier cache TTL must be zero or positive, got " + ttl);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the tier lookup timeout must be positive, got " + timeout);
    }
    this.registry = registry;
    this.ttlMs = ttl.toMillis();
    this.timeoutMs = timeout.toMillis();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Future<?> start() {
    client = new TierClient(vertx, CALL_TIMEOUT.toMillis());
    consumer = vertx.eventBus().localConsumer(Addresses.TIER_LOOKUP, this::onLookup);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void onLookup(Message<TierQuery> msg) {
    TierQuery q = msg.body();
    lookup(q).onComplete(ar -> msg.reply(ar.succeeded() ? ar.result() : TierAnswer.unknown(null, "failed")));
  }

  /** The answer for one query, within the timeout; never a failed future. */
  Future<TierAnswer> lookup(TierQuery q) {
    String caller = callerKey(q);
    if (!q.numeric()) {
      String top = q.topLevel();
      if (top == null) {
        return Future.succeededFuture(TierAnswer.unknown(null, "no_namespace"));
      }
      return withDeadline(q.instance(), planOf(q.instance(), caller, q.credential(), top.toLowerCase(Locale.ROOT)));
    }
    String aliasKey = q.instance() + '\n' + caller + '\n' + q.kind() + ':' + q.ref();
    Alias alias = aliases.get(aliasKey);
    long now = clock.millis();
    if (alias != null && alias.expiresAt() > now) {
      return withDeadline(q.instance(), planOf(q.instance(), caller, q.credential(), alias.top()));
    }
    Future<TierAnswer> resolved = shared(q.instance(), aliasKey, () -> client.topLevelOf(q).compose(top -> {
      if (top == null) {
        return Future.succeededFuture(TierAnswer.unknown(null, "not_visible"));
      }
      String lower = top.toLowerCase(Locale.ROOT);
      remember(aliases, aliasKey, new Alias(lower, clock.millis() + ttlMs));
      return planOf(q.instance(), caller, q.credential(), lower);
    }));
    return withDeadline(q.instance(), resolved);
  }

  /** The cached plan of a top-level namespace, or the running query for it, or a new query. */
  private Future<TierAnswer> planOf(String instance, String caller, Credential credential, String top) {
    String key = instance + '\n' + caller + '\n' + top;
    Entry e = cache.get(key);
    if (e != null && e.expiresAt() > clock.millis()) {
      count("tier.lookups", instance, "hit");
      return Future.succeededFuture(e.answer());
    }
    return shared(instance, key, () -> client.detect(instance, credential, top).map(answer -> {
      long life = "failed".equals(answer.source()) ? Math.min(ttlMs, FAILURE_TTL.toMillis()) : ttlMs;
      if (life > 0) {
        remember(cache, key, new Entry(answer, clock.millis() + life));
      }
      count("tier.detections", instance, answer.tier().name().toLowerCase(Locale.ROOT));
      LOG.info("tier_detected instance={} namespace={} tier={} plan={} source={}", instance, top,
          answer.tier().name().toLowerCase(Locale.ROOT), answer.rawPlan(), answer.source());
      return answer;
    }));
  }

  /** Single flight: the first lookup of a key starts the query, the others join it until it ends. */
  private Future<TierAnswer> shared(String instance, String key, Supplier<Future<TierAnswer>> query) {
    Future<TierAnswer> running = inFlight.get(key);
    if (running != null) {
      count("tier.lookups", instance, "shared");
      return running;
    }
    count("tier.lookups", instance, "miss");
    Promise<TierAnswer> promise = Promise.promise();
    inFlight.put(key, promise.future());
    query.get().onComplete(ar -> {
      inFlight.remove(key);
      promise.complete(ar.succeeded() ? ar.result() : TierAnswer.unknown(null, "failed"));
    });
    return promise.future();
  }

  /** The answer, or UNKNOWN when it is not there within the timeout (the query itself runs on). */
  private Future<TierAnswer> withDeadline(String instance, Future<TierAnswer> answer) {
    if (answer.isComplete()) {
      return answer;
    }
    Promise<TierAnswer> out = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, id -> {
      if (!out.future().isComplete()) { // counted before the reply goes out
        count("tier.timeouts", instance, "timeout");
        out.complete(TierAnswer.unknown(null, "timeout"));
      }
    });
    answer.onComplete(ar -> {
      vertx.cancelTimer(timer);
      out.tryComplete(ar.succeeded() ? ar.result() : TierAnswer.unknown(null, "failed"));
    });
    return out.future();
  }

  /** Puts an entry; at the bound, expired entries go first, then the oldest (insertion order). */
  private <V> void remember(Map<String, V> map, String key, V value) {
    map.remove(key); // re-inserted last: insertion order stays age order
    if (map.size() >= MAX_ENTRIES) {
      long now = clock.millis();
      map.values().removeIf(v -> expiresAt(v) <= now);
      Iterator<String> oldest = map.keySet().iterator();
      while (map.size() >= MAX_ENTRIES && oldest.hasNext()) {
        oldest.next();
        oldest.remove();
      }
    }
    map.put(key, value);
  }

  private static long expiresAt(Object v) {
    return v instanceof Entry e ? e.expiresAt() : v instanceof Alias a ? a.expiresAt() : Long.MAX_VALUE;
  }

  /**
   * Who asks, without the token: the subject plus a SHA-256 prefix of the credential. Two tokens of
   * one user (different scopes) get different entries; the hash cannot be turned back into the token.
   */
  static String callerKey(TierQuery q) {
    Credential c = q.credential();
    if (c.kind() == Credential.Kind.NONE) {
      return q.subject() + "|anonymous";
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(c.kind().name().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      byte[] digest = sha.digest(c.secret().reveal().getBytes(StandardCharsets.UTF_8));
      return q.subject() + '|' + HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private void count(String name, String instance, String result) {
    if (registry != null) {
      Counter.builder(name).tag("gitlab_instance", instance).tag("result", result)
          .description(DESCRIPTIONS.getOrDefault(name, name)).register(registry).increment();
    }
  }

  private static final Map<String, String> DESCRIPTIONS = Map.of(
      "tier.lookups", "Namespace plan lookups: hit (cached), miss (asked GitLab), shared (joined a running query)",
      "tier.timeouts", "Namespace plan lookups answered unknown because GitLab was slower than the timeout",
      "tier.detections", "Namespace plans learned from GitLab, by tier (unknown: GitLab would not tell)");
}
