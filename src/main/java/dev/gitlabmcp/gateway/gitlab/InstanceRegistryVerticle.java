package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.core.Addresses;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.OAuthClientConfig;
import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.gitlab.GitLabReply.Failure;
import dev.gitlabmcp.gateway.gitlab.InstanceHealth.Outcome;
import dev.gitlabmcp.gateway.gitlab.InstanceLimiter.Permit;
import dev.gitlabmcp.gateway.gitlab.InstanceLimiter.Rejected;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import dev.gitlabmcp.gateway.ops.GatewayMetrics.GitLabInstanceMeters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns, per configured GitLab instance, a {@link GitLabClient}, an {@link InstanceLimiter} and an
 * {@link InstanceHealth}. Everything here runs on this verticle's event loop; other verticles
 * reach it only through the event bus: {@link Addresses#GITLAB_CALL}, {@link Addresses#GITLAB_CANCEL},
 * {@link Addresses#INSTANCES_RELOAD} and {@link Addresses#INSTANCES_STATUS}, or for calls through
 * {@link RegistryClient.Direct}, which runs them on this loop too.
 *
 * <p>A reload swaps whole instances: new ones start, removed ones refuse new and queued calls and
 * close their client once its in-flight calls are done; new rate limits apply in place; new HTTP
 * settings get a new client while the old one drains.
 */
public final class InstanceRegistryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(InstanceRegistryVerticle.class);
  /** How often each instance is probed when no real call has told how it is doing. */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(30);
  static final String PROBE_PATH = "/version";

  private final List<GitLabConfig> initial;
  private final InstanceDirectory directory;
  private final GatewayMetrics metrics;
  private final long probeIntervalMs;
  /** Null until start() when not given: the system clock and this verticle's Vert.x timers. */
  private Ticker ticker;
  private final Map<String, Instance> instances = new LinkedHashMap<>();
  /** Names removed by a reload, so their callers learn why rather than "not configured". */
  private final Set<String> removed = new HashSet<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long probeTimer = -1;
  /** This verticle's loop and {@link #call}, for callers in this process (published while it runs). */
  private RegistryClient.Direct direct;

  public InstanceRegistryVerticle(List<GitLabConfig> instances) {
    this(new InstanceDirectory(instances), null);
  }

  /**
   * @param directory the shared view of the instances; the registry records what the probe learns there
   * @param metrics where per-instance meters go, or null (tests)
   */
  public InstanceRegistryVerticle(InstanceDirectory directory, GatewayMetrics metrics) {
    this(directory, metrics, DEFAULT_PROBE_INTERVAL);
  }

  /** @param probeInterval how often idle instances are probed (tests shorten it; zero: never) */
  public InstanceRegistryVerticle(InstanceDirectory directory, GatewayMetrics metrics, Duration probeInterval) {
    this(directory, metrics, probeInterval, null);
  }

  /** @param ticker time and timers for the limiters, health and retry waits (tests drive it); null: the system's */
  InstanceRegistryVerticle(InstanceDirectory directory, GatewayMetrics metrics, Duration probeInterval,
                           Ticker ticker) {
    this.ticker = ticker;
    this.initial = List.copyOf(directory.all());
    this.directory = directory;
    this.metrics = metrics;
    this.probeIntervalMs = probeInterval == null || probeInterval.isZero() ? 0 : Math.max(1, probeInterval.toMillis());
  }

  @Override
  public Future<?> start() {
    if (ticker == null) {
      ticker = Ticker.of(vertx);
    }
    for (GitLabConfig cfg : initial) {
      add(cfg);
    }
    var bus = vertx.eventBus();
    consumers.add(bus.<GitLabCall>localConsumer(Addresses.GITLAB_CALL, this::onCall));
    consumers.add(bus.<String>localConsumer(Addresses.GITLAB_CANCEL, this::onCancel));
    consumers.add(bus.<InstanceSet>localConsumer(Addresses.INSTANCES_RELOAD, this::onReload));
    consumers.add(bus.localConsumer(Addresses.INSTANCES_STATUS, this::onStatus));
    direct = new RegistryClient.Direct(context, this::call);
    RegistryClient.directory(vertx).put(Addresses.GITLAB_CALL, direct);
    if (probeIntervalMs > 0) {
      probeTimer = vertx.setPeriodic(probeIntervalMs, t -> probeAll());
    }
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    RegistryClient.directory(vertx).removeIfPresent(Addresses.GITLAB_CALL, direct);
    vertx.cancelTimer(probeTimer);
    List<Future<Void>> closing = new ArrayList<>();
    for (Instance inst : instances.values()) {
      inst.limiter.close();
      closing.addAll(inst.closeAll());
      inst.removeMeters();
    }
    orphans.forEach(u -> closing.add(u.client.close()));
    return Future.join(closing);
  }

  // ---- calls

  private void onCall(Message<GitLabCall> msg) {
    call(msg.body()).onSuccess(msg::reply);
  }

  /** One call, on this verticle's loop (the event bus or {@link RegistryClient.Direct} brings it here): never fails. */
  private Future<GitLabReply> call(GitLabCall call) {
    Instance inst = instances.get(call.instance());
    if (inst == null) {
      return Future.succeededFuture(GitLabReply.failed(Failure.UNKNOWN_INSTANCE, removed.contains(call.instance())
          ? removedMessage(call.instance())
          : "GitLab instance '" + call.instance() + "' is not configured", 0, 0));
    }
    return inst.limiter.acquire(call.callId(), call.credential().fingerprint()).transform(ar -> ar.succeeded()
        ? send(inst, call, ar.result()) : Future.succeededFuture(refused(inst, call, ar.cause())));
  }

  private Future<GitLabReply> send(Instance inst, GitLabCall call, Permit permit) {
    if (inst.meters != null) {
      inst.meters.waited(permit.waitedNanos());
    }
    Upstream upstream = inst.upstream;
    upstream.inFlight++;
    long start = ticker.nanoTime();
    return upstream.client.send(call)
        .recover(err -> {
          // send() completes its promise with a reply for every known failure; this is a bug guard.
          LOG.warn("gitlab_call_failed instance={} call=\"{}\" error={}", inst.config.name(), call,
              err.getClass().getSimpleName());
          return Future.succeededFuture(
              GitLabReply.failed(Failure.CONNECTION, "the GitLab call failed unexpectedly", 1, 0));
        })
        .onSuccess(reply -> {
          permit.release();
          upstream.done();
          inst.outcome(reply, ticker.nanoTime() - start);
        });
  }

  private GitLabReply refused(Instance inst, GitLabCall call, Throwable cause) {
    if (!(cause instanceof Rejected r)) {
      return GitLabReply.failed(Failure.CONNECTION, "the GitLab call failed unexpectedly", 0, 0);
    }
    return switch (r.reason) {
      case CANCELLED -> {
        if (inst.meters != null) {
          inst.meters.cancelled();
        }
        yield GitLabReply.failed(Failure.CANCELLED, "the request was cancelled", 0, 0);
      }
      case CLOSED -> GitLabReply.failed(Failure.UNKNOWN_INSTANCE, removedMessage(call.instance()), 0, 0);
      case QUEUE_FULL, QUEUE_TIMEOUT -> {
        if (inst.meters != null) {
          inst.meters.rejected(r.reason == InstanceLimiter.Reason.QUEUE_FULL ? "queue_full" : "queue_timeout");
        }
        LOG.debug("gitlab_busy instance={} reason={} retryAfterS={}", inst.config.name(), r.reason,
            r.retryAfterSeconds);
        yield GitLabReply.failed(Failure.BUSY, "GitLab instance " + inst.config.label() + " is busy; retry in "
            + r.retryAfterSeconds + " s", 0, 0);
      }
    };
  }

  private static String removedMessage(String name) {
    return "GitLab instance '" + name + "' was removed from the configuration; reconnect to another instance";
  }

  private void onCancel(Message<String> msg) {
    String callId = msg.body();
    for (Instance inst : instances.values()) {
      if (inst.limiter.cancel(callId)) {
        return;
      }
    }
    for (Instance inst : instances.values()) {
      inst.upstream.client.cancel(callId);
      inst.draining.forEach(u -> u.client.cancel(callId));
    }
    orphans.forEach(u -> u.client.cancel(callId));
  }

  // ---- reload

  /** Clients of removed instances, closing once their last call is done. */
  private final Set<Upstream> orphans = new HashSet<>();

  private void onReload(Message<InstanceSet> msg) {
    Map<String, GitLabConfig> next = new LinkedHashMap<>();
    for (GitLabConfig c : msg.body().instances()) {
      next.put(c.name(), c);
    }
    JsonArray added = new JsonArray();
    JsonArray changed = new JsonArray();
    JsonArray gone = new JsonArray();
    for (String name : List.copyOf(instances.keySet())) {
      if (!next.containsKey(name)) {
        remove(name);
        gone.add(name);
      }
    }
    for (GitLabConfig cfg : next.values()) {
      Instance inst = instances.get(cfg.name());
      if (inst == null) {
        add(cfg);
        added.add(cfg.name());
      } else if (!inst.config.equals(cfg)) {
        inst.reconfigure(cfg);
        changed.add(cfg.name());
      }
    }
    // The watcher logs the reload with this reply (one line per event); here only for debugging.
    LOG.debug("gitlab_instances_reloaded added={} changed={} removed={}", added, changed, gone);
    msg.reply(new JsonObject().put("added", added).put("changed", changed).put("removed", gone));
  }

  private void add(GitLabConfig cfg) {
    removed.remove(cfg.name());
    Instance inst = new Instance(cfg);
    instances.put(cfg.name(), inst);
    LOG.info("gitlab_instance name={} url={} http2={} h2c={} maxConnections={} rps={} burst={} maxConcurrent={}",
        cfg.name(), cfg.baseUrl(), cfg.tls() && cfg.http2(), !cfg.tls() && cfg.h2c(), cfg.maxConnections(),
        cfg.rateLimit().requestsPerSecond(), cfg.rateLimit().burst(), cfg.rateLimit().maxConcurrent());
  }

  private void remove(String name) {
    Instance inst = instances.remove(name);
    removed.add(name);
    inst.limiter.close();
    inst.removeMeters();
    orphans.addAll(inst.draining); // draining already
    orphans.add(inst.upstream);
    inst.upstream.drain();
    LOG.info("gitlab_instance_removed name={} inFlight={}", name, inst.limiter.active());
  }

  /** What a client is built from: a change here needs a new client, anything else applies in place. */
  static GitLabConfig clientSettings(GitLabConfig c) {
    return new GitLabConfig(c.name(), c.baseUrl(), Secret.NONE, c.http2(), c.h2c(), c.maxConnections(),
        c.keepAliveSeconds(), c.connectTimeoutMs(), c.requestTimeoutMs(), c.maxResponseBytes(), c.maxRetries(),
        c.name(), false, c.caFile(), c.insecureSkipVerify(), c.proxy(), c.noProxy(), OAuthClientConfig.NONE,
        RateLimitConfig.DEFAULT);
  }

  // ---- health

  private void probeAll() {
    long now = ticker.epochMillis();
    for (Instance inst : instances.values()) {
      inst.health.evaluate(now);
      if (now - inst.lastCallMillis >= probeIntervalMs) {
        probe(inst);
      }
    }
  }

  /**
   * Any HTTP answer proves GitLab is reachable (even 401 without a token). The probe bypasses the
   * limiter (it must not queue behind the traffic it judges) and is sent once, never retried.
   */
  private void probe(Instance inst) {
    if (inst.probing) {
      return;
    }
    inst.probing = true;
    GitLabCall call = new GitLabCall(null, inst.config.name(), HttpMethod.GET, PROBE_PATH, null,
        Credential.privateToken(inst.config.token()), false);
    Upstream upstream = inst.upstream;
    upstream.inFlight++;
    upstream.client.send(call).onComplete(ar -> {
      upstream.done();
      inst.probing = false;
      if (ar.failed() || instances.get(inst.config.name()) != inst) {
        return;
      }
      GitLabReply reply = ar.result();
      // Health only: version and edition are the introspector's (one source of truth, with a TTL).
      inst.health.record(Outcome.of(reply), describe(reply));
    });
  }

  private static String describe(GitLabReply reply) {
    if (reply.failure() != null) {
      return reply.failureDetail();
    }
    return reply.status() >= 500 ? "GitLab answered HTTP " + reply.status() : null;
  }

  // ---- status

  private void onStatus(Message<Object> msg) {
    long now = ticker.epochMillis();
    JsonObject all = new JsonObject();
    for (Instance inst : instances.values()) {
      InstanceLimiter l = inst.limiter;
      JsonObject o = new JsonObject()
          .put("label", inst.config.label())
          .put("url", inst.config.baseUrl().toString())
          .put("status", inst.health.evaluate(now).label())
          .put("limiter", new JsonObject()
              .put("active", l.active())
              .put("queued", l.queued())
              .put("rejected", l.rejectedQueueFull() + l.rejectedQueueTimeout())
              .put("tokens", Math.floor(l.tokens() * 100) / 100)
              .put("throttled", l.throttled())
              .put("throttledCredentials", l.throttledCredentials())
              .put("responseBytesInFlight", inst.budget.used()));
      if (inst.health.lastError() != null) {
        o.put("lastError", inst.health.lastError());
      }
      all.put(inst.config.name(), o);
    }
    msg.reply(all);
  }

  // ---- per-instance state

  /** One client and the calls it still carries; closed once drained. */
  private final class Upstream {
    final GitLabClient client;
    int inFlight;
    boolean draining;

    Upstream(GitLabClient client) {
      this.client = client;
    }

    void done() {
      inFlight--;
      if (draining && inFlight == 0) {
        close();
      }
    }

    /** No new calls from now on; closes when the last one is done. */
    void drain() {
      draining = true;
      if (inFlight == 0) {
        close();
      }
    }

    Future<Void> close() {
      orphans.remove(this);
      for (Instance inst : instances.values()) {
        inst.draining.remove(this);
      }
      return client.close();
    }
  }

  private final class Instance implements GitLabClient.Observer {
    GitLabConfig config;
    Upstream upstream;
    final List<Upstream> draining = new ArrayList<>();
    final InstanceLimiter limiter;
    final ResponseBudget budget;
    final InstanceHealth health = new InstanceHealth(ticker::epochMillis);
    final GitLabInstanceMeters meters;
    boolean probing;
    /** When a real call last finished; the probe leaves instances alone that real calls speak for. */
    long lastCallMillis;

    Instance(GitLabConfig config) {
      this.config = config;
      this.budget = new ResponseBudget(config.rateLimit().maxResponseBytesInFlight());
      this.upstream = new Upstream(client(config));
      this.limiter = new InstanceLimiter(ticker, config.rateLimit());
      this.meters = metrics == null ? null : metrics.gitlabInstance(config.name(), limiter::active, limiter::queued,
          () -> health.status().gauge);
    }

    void reconfigure(GitLabConfig next) {
      if (!clientSettings(config).equals(clientSettings(next))) {
        Upstream old = upstream;
        upstream = new Upstream(client(next));
        draining.add(old);
        old.drain();
        LOG.info("gitlab_instance_client_replaced name={} url={} draining={}", next.name(), next.baseUrl(),
            old.inFlight);
      }
      if (!config.rateLimit().equals(next.rateLimit())) {
        limiter.reconfigure(next.rateLimit());
        budget.limit(next.rateLimit().maxResponseBytesInFlight());
      }
      config = next;
    }

    private GitLabClient client(GitLabConfig cfg) {
      return new GitLabClient(vertx, cfg, this, budget, ticker);
    }

    void outcome(GitLabReply reply, long nanos) {
      lastCallMillis = ticker.epochMillis();
      health.record(Outcome.of(reply), describe(reply));
      if (meters == null) {
        return;
      }
      if (reply.failure() == null) {
        meters.response(reply.status(), nanos);
      } else if (reply.failure() == Failure.CANCELLED) {
        meters.cancelled();
      } else {
        meters.failure(nanos);
      }
    }

    List<Future<Void>> closeAll() {
      List<Future<Void>> closing = new ArrayList<>();
      closing.add(upstream.client.close());
      draining.forEach(u -> closing.add(u.client.close()));
      return closing;
    }

    void removeMeters() {
      if (meters != null) {
        meters.remove();
      }
    }

    @Override
    public void answered(GitLabCall call, GitLabReply reply) {
      limiter.observe(call.credential().fingerprint(), reply);
    }

    @Override
    public void retrying() {
      if (meters != null) {
        meters.retried();
      }
    }
  }
}
