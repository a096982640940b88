package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.core.CallerContext;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory.Info;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns each instance's GitLab version and edition and writes them into the {@link InstanceDirectory}.
 *
 * <p>It asks {@code GET /metadata} first (version and edition in one answer since GitLab 15.6), then
 * {@code GET /version} on older instances, then GraphQL {@code metadata} when REST could not tell the
 * edition. Every request goes over the event bus to the registry, so it passes the instance's limiter
 * and client like any tool call. Instances with a server-side token are refreshed in the background once
 * per TTL; the others are learned with the first verified caller's credential ({@link #learnWith}).
 * Concurrent triggers for one instance share one probe, and each trigger's future completes on its
 * caller's own context. Safe to call from any event loop: nothing here blocks, and the shared state is
 * in concurrent maps. Freshness is measured with an injected clock.
 */
public final class InstanceIntrospector {

  private static final Logger LOG = LoggerFactory.getLogger(InstanceIntrospector.class);

  /** How long learned facts are trusted before they are asked again. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);
  /** How long one probe request may take before the instance counts as unknown for now. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);
  /** Longest gap between looks at the directory: new instances after a reload are learned this soon. */
  static final Duration MAX_CHECK_EVERY = Duration.ofSeconds(10);
  /** A failed probe is not repeated sooner than this (or the TTL when shorter): a down instance is not hammered. */
  static final Duration MAX_RETRY_AFTER_FAILURE = Duration.ofMinutes(1);
  /**
   * The GraphQL endpoint, as a {@link GitLabCall} path. GraphQL lives at /api/graphql, beside /api/v4,
   * so the client maps this one path to it; every other path stays relative to /api/v4.
   */
  public static final String GRAPHQL_PATH = "/graphql";
  static final String GRAPHQL_QUERY = new JsonObject().put("query", "{ metadata { version enterprise } }").encode();

  private static final Pattern PLAIN_RELEASE = Pattern.compile("\\d+\\.\\d+\\.\\d+");

  private final Vertx vertx;
  private final InstanceDirectory directory;
  private final long ttlMs;
  private final long checkEveryMs;
  private final long retryAfterFailureMs;
  private final RegistryClient registry;
  private final Clock clock;
  private final Map<String, Future<Info>> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Long> failedAt = new ConcurrentHashMap<>();
  /** The URL each instance's facts were learned from: a reload that moves a name to another URL forgets them. */
  private final Map<String, URI> learnedFrom = new ConcurrentHashMap<>();
  private final AtomicLong probes = new AtomicLong();
  private final AtomicLong callIds = new AtomicLong();
  private volatile long timerId = -1;

  public InstanceIntrospector(Vertx vertx, InstanceDirectory directory, Duration ttl) {
    this(vertx, directory, ttl, DEFAULT_CALL_TIMEOUT);
  }

  /** An introspector whose facts grow stale by the system clock. */
  public InstanceIntrospector(Vertx vertx, InstanceDirectory directory, Duration ttl, Duration callTimeout) {
    this(vertx, directory, ttl, callTimeout, Clock.systemUTC());
  }

  /**
   * @param ttl how long learned facts are trusted
   * @param callTimeout how long one probe request may take
   * @param clock the time facts are stamped with and grow stale by
   */
  public InstanceIntrospector(Vertx vertx, InstanceDirectory directory, Duration ttl, Duration callTimeout,
                              Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.directory = Objects.requireNonNull(directory, "directory");
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the introspection TTL must be positive, got " + ttl);
    }
    if (callTimeout == null || callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("the introspection call timeout must be positive, got " + callTimeout);
    }
    this.ttlMs = ttl.toMillis();
    this.checkEveryMs = Math.max(10, Math.min(ttlMs, MAX_CHECK_EVERY.toMillis()));
    this.retryAfterFailureMs = Math.min(ttlMs, MAX_RETRY_AFTER_FAILURE.toMillis());
    this.registry = new RegistryClient(vertx, callTimeout.toMillis());
  }

  /**
   * Whether a tool of that tier can work on an instance: Community Edition has no Premium or Ultimate
   * features. An instance whose edition is unknown is given the benefit of the doubt (GitLab's own
   * answer then tells the model); which plan a namespace has is the tier detector's business.
   *
   * @param tier the catalog's tier: free, premium or ultimate (null means free)
   */
  public static boolean canServe(Info info, String tier) {
    if (tier == null || "free".equals(tier)) {
      return true;
    }
    return info == null || !Boolean.FALSE.equals(info.enterprise());
  }

  /** Learns every instance with a server-side token now, and keeps looking every few seconds. */
  public InstanceIntrospector start() {
    checkAll();
    timerId = vertx.setPeriodic(checkEveryMs, id -> checkAll());
    return this;
  }

  public void stop() {
    long id = timerId;
    if (id >= 0) {
      vertx.cancelTimer(id);
    }
  }

  /** Number of probes started so far (each is one to three GitLab requests). */
  public long probes() {
    return probes.get();
  }

  /**
   * Learns the instance with a caller's credential, unless its facts are fresh, a probe is running, or
   * one failed moments ago. Call it after the caller's token was verified; the token is only sent to
   * the instance it belongs to.
   *
   * @return what is known once this trigger settles: at once when facts are fresh or stale-but-known
   *     (the refresh then runs in the background), else when the probe ends; never a failed future
   */
  public Future<Info> learnWith(String instance, Credential credential) {
    GitLabConfig cfg = directory.get(instance);
    if (cfg == null || credential == null || credential.kind() == Credential.Kind.NONE) {
      return Future.succeededFuture(directory.info(instance));
    }
    forgetIfMoved(cfg);
    Info known = directory.info(instance);
    long now = clock.millis();
    boolean isKnown = known.fetchedAtMillis() > 0;
    if (isKnown && now - known.fetchedAtMillis() < ttlMs) {
      return Future.succeededFuture(known);
    }
    Long failed = failedAt.get(instance);
    if (failed != null && now - failed < retryAfterFailureMs) {
      return Future.succeededFuture(known);
    }
    Promise<Info> promise = Promise.promise();
    Future<Info> running = inFlight.putIfAbsent(instance, promise.future());
    if (running != null) {
      return isKnown ? Future.succeededFuture(known) : CallerContext.follow(running);
    }
    Future<Info> answer = isKnown ? Future.succeededFuture(known) : CallerContext.follow(promise.future());
    probes.incrementAndGet();
    probe(cfg, credential).onComplete(ar -> {
      Info learned = ar.succeeded() ? ar.result() : null;
      Info result = record(cfg, learned);
      inFlight.remove(instance, promise.future());
      promise.complete(result);
    });
    return answer;
  }

  /**
   * Refreshes, with its server-side token, every instance that has one and whose facts are missing or
   * old. The periodic timer calls it; tests call it after moving their clock.
   */
  void checkAll() {
    failedAt.keySet().retainAll(names());
    learnedFrom.keySet().retainAll(names());
    for (GitLabConfig cfg : directory.all()) {
      if (cfg.token().isSet()) {
        learnWith(cfg.name(), Credential.privateToken(cfg.token()));
      }
    }
  }

  private java.util.Set<String> names() {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (GitLabConfig cfg : directory.all()) {
      names.add(cfg.name());
    }
    return names;
  }

  private void forgetIfMoved(GitLabConfig cfg) {
    URI from = learnedFrom.get(cfg.name());
    if (from != null && !from.equals(cfg.baseUrl()) && learnedFrom.remove(cfg.name(), from)) {
      directory.info(cfg.name(), Info.UNKNOWN);
      failedAt.remove(cfg.name());
    }
  }

  /** Writes what was learned (keeping older facts when this probe learned nothing) and returns what is known. */
  private Info record(GitLabConfig cfg, Info learned) {
    String name = cfg.name();
    if (learned == null || learned.version() == null && learned.enterprise() == null) {
      failedAt.put(name, clock.millis());
      return directory.info(name);
    }
    failedAt.remove(name);
    learnedFrom.put(name, cfg.baseUrl());
    directory.info(name, learned);
    LOG.info("gitlab_introspected instance={} version={} edition={}", name, learned.version(),
        learned.enterprise() == null ? "unknown" : learned.enterprise() ? "ee" : "ce");
    return directory.info(name);
  }

  /** What the instance says about itself; null when it said nothing usable. Never fails. */
  private Future<Info> probe(GitLabConfig cfg, Credential credential) {
    String name = cfg.name();
    return get(name, "/metadata", credential).compose(metadata -> {
      if (metadata.ok()) {
        JsonObject body = json(metadata);
        String version = body == null ? null : body.getString("version");
        Boolean enterprise = body == null ? null : body.getBoolean("enterprise");
        return complete(name, credential, version, enterprise);
      }
      if (metadata.status() == 404) { // before GitLab 15.2
        return get(name, "/version", credential).compose(v -> afterVersion(name, credential, v));
      }
      if (metadata.status() == 403) { // a token GitLab lets read GraphQL but not this endpoint
        return complete(name, credential, null, null);
      }
      return unknown(name, metadata);
    }).recover(err -> {
      LOG.warn("gitlab_introspection_failed instance={} error={}", name, err.getClass().getSimpleName());
      return Future.succeededFuture(null);
    });
  }

  private Future<Info> afterVersion(String name, Credential credential, GitLabReply reply) {
    if (!reply.ok()) {
      return reply.status() == 403 ? complete(name, credential, null, null) : unknown(name, reply);
    }
    JsonObject body = json(reply);
    return complete(name, credential, body == null ? null : body.getString("version"), null);
  }

  /** REST told what it could; GraphQL is asked only for what is still missing. */
  private Future<Info> complete(String name, Credential credential, String version, Boolean enterprise) {
    Boolean edition = enterprise != null ? enterprise : editionOf(version, false);
    if (version != null && edition != null) {
      return Future.succeededFuture(new Info(version, edition, clock.millis()));
    }
    return graphql(name, credential).map(g -> {
      String v = version != null ? version : g == null ? null : g.getString("version");
      Boolean e = edition != null ? edition
          : g != null && g.getValue("enterprise") instanceof Boolean b ? b : editionOf(v, true);
      return v == null && e == null ? null : new Info(v, e, clock.millis());
    });
  }

  /** data.metadata of the GraphQL answer, or null. */
  private Future<JsonObject> graphql(String name, Credential credential) {
    GitLabCall call = new GitLabCall(callId(name), name, HttpMethod.POST, GRAPHQL_PATH, Buffer.buffer(GRAPHQL_QUERY),
        credential, true); // a query changes nothing: safe to send twice
    return send(call).map(reply -> {
      JsonObject body = reply.ok() ? json(reply) : null;
      JsonObject data = body == null ? null : body.getValue("data") instanceof JsonObject d ? d : null;
      return data == null ? null : data.getValue("metadata") instanceof JsonObject m ? m : null;
    });
  }

  /**
   * The edition a version string reveals. Enterprise packages say so ("17.5.1-ee"); a plain release
   * number is Community Edition, but that guess is made only when nothing better answered.
   */
  static Boolean editionOf(String version, boolean lastResort) {
    if (version == null) {
      return null;
    }
    String v = version.trim().toLowerCase(Locale.ROOT);
    if (v.endsWith("-ee")) {
      return true;
    }
    return lastResort && PLAIN_RELEASE.matcher(v).matches() ? Boolean.FALSE : null;
  }

  private Future<Info> unknown(String name, GitLabReply reply) {
    LOG.info("gitlab_introspection_failed instance={} reason=\"{}\"", name,
        reply.failure() != null ? reply.failureDetail() : "HTTP " + reply.status());
    return Future.succeededFuture(null);
  }

  private Future<GitLabReply> get(String name, String path, Credential credential) {
    return send(new GitLabCall(callId(name), name, HttpMethod.GET, path, null, credential, true));
  }

  /** One request through the registry; a timeout or missing registry becomes a failed reply, and a slow call is cancelled. */
  private Future<GitLabReply> send(GitLabCall call) {
    return registry.send(call);
  }


  private String callId(String instance) {
    return "introspect-" + instance + "-" + callIds.incrementAndGet();
  }

  /** The reply's JSON object, or null when the body is not one (an HTML error page from a proxy, say). */
  private static JsonObject json(GitLabReply reply) {
    try {
      return Json.decodeValue(reply.body()) instanceof JsonObject o ? o : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
