package dev.gitlabmcp.gateway.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * The gateway's meters, in one Prometheus registry that Vert.x shares for its HTTP server and
 * client metrics. Create it before Vertx (Vert.x takes its metrics factory when it is built), build
 * Vertx with {@link #vertxBuilder(VertxOptions)}, then {@link #bindSessions} once the store exists.
 *
 * <p>Every method is a lock-free counter increment, safe from any event loop. Labels come from
 * fixed sets only: never a token, user name, session id, address or path.
 */
public final class GatewayMetrics implements AutoCloseable {

  /** The auth failure reasons counted as such; anything else is counted as {@value #OTHER_REASON}. */
  public static final List<String> AUTH_FAILURE_REASONS = List.of("missing", "format", "invalid", "forbidden");
  public static final String OTHER_REASON = "other";
  /** The tool label of calls to a name outside the catalog (bound with {@link #bindTools}). */
  public static final String OTHER_TOOL = "other";

  /**
   * How a {@code tools/call} ended; the label is the lower-case name. Exactly one per call.
   */
  public enum ToolOutcome {
    /** A result without {@code isError}. */
    OK,
    /** The arguments were refused before any GitLab request. */
    INVALID_ARGUMENTS,
    /** The tool may not run here: permission mode, toolsets, project allowlist, tier, version, unknown name. */
    REFUSED,
    /** GitLab answered with an error status (an {@code isError} result). */
    GITLAB_ERROR,
    /** GitLab did not answer: connection failure, timeout, body too large. */
    UNREACHABLE,
    /** Refused for load: a rate limit, or the instance limiter's queue was full or timed out. */
    BUSY,
    /** Cancelled by the client (notifications/cancelled, or a disconnect of an idempotent call). */
    CANCELLED,
    /** The gateway failed (a bug): the call ended with an internal error. */
    INTERNAL;

    final String label = name().toLowerCase(Locale.ROOT);
  }

  private static final Path PROC_STATUS = Path.of("/proc/self/status");
  // Vert.x caches its backend per registry name, JVM-wide: a name per instance keeps two gateways
  // in one JVM (tests) from sharing a registry.
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final PrometheusMeterRegistry registry;
  private final JvmMeters jvmMeters;
  private final String vertxRegistryName;
  private final Counter sessionsCreated;
  private final Counter sessionsExpired;
  private final Counter sessionsDeleted;
  private final Map<String, Counter> authFailures = new LinkedHashMap<>();
  private final Counter requestsProcessed;
  private final Counter rejectedByRateLimit;
  private final Counter rejectedByCapacity;
  private final Counter rejectedByIpLimit;
  private volatile IntSupplier activeSessions = () -> 0;
  private volatile Set<String> knownTools = Set.of();
  private final Map<String, ToolMeters> toolMeters = new ConcurrentHashMap<>();
  private volatile IntSupplier authenticatedSessions = () -> 0;

  private GatewayMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    this.vertxRegistryName = "gitlab-mcp-gateway-" + SEQUENCE.incrementAndGet();
    this.jvmMeters = JvmMeters.bindInBackground(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("log.lines.dropped", this,
            m -> dev.gitlabmcp.gateway.ops.log.DroppedLogs.count())
        .description("Log lines dropped because the log output could not keep up (logging never blocks)")
        .register(registry);

    // Gauges exist from the start (reading 0) so the scrape has the same series before and after binding.
    Gauge.builder("mcp.sessions.active", this, m -> m.activeSessions.getAsInt())
        .description("MCP sessions currently open").strongReference(true).register(registry);
    Gauge.builder("mcp.sessions.authenticated", this, m -> m.authenticatedSessions.getAsInt())
        .description("Open MCP sessions that hold a caller's GitLab token").strongReference(true).register(registry);
    // Not "mcp.sessions.created": Prometheus client 1.x reserves the _created suffix and would
    // expose it as mcp_sessions_total.
    sessionsCreated = counter("mcp.sessions.opened", "MCP sessions created");
    sessionsExpired = counter("mcp.sessions.expired", "MCP sessions removed after the idle timeout");
    sessionsDeleted = counter("mcp.sessions.deleted", "MCP sessions ended by the client (DELETE)");
    for (String reason : AUTH_FAILURE_REASONS) {
      authFailures.put(reason, authFailure(reason, registry));
    }
    authFailures.put(OTHER_REASON, authFailure(OTHER_REASON, registry));
    requestsProcessed = counter("mcp.requests.processed", "MCP requests admitted and handled");
    rejectedByRateLimit = rejected("rate_limit");
    rejectedByCapacity = rejected("capacity");
    rejectedByIpLimit = rejected("ip_limit");
  }

  /**
   * A registry with the gateway meters bound (the JVM meters follow, {@link #jvmMetersBound}); session gauges
   * read 0 until {@link #bindSessions}.
   */
  public static GatewayMetrics create() {
    return new GatewayMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * A Vertx builder whose HTTP server/client and pool metrics land in this registry.
   * Vert.x 5 takes the registry through the metrics factory, not the options. Labels are Vert.x's
   * defaults (method, code, pool type/name): no path, route or remote address; no event-bus series.
   */
  public VertxBuilder vertxBuilder(VertxOptions base) {
    MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(vertxRegistryName)
        .setLabels(new HashSet<>(MicrometerMetricsOptions.DEFAULT_LABELS))
        // Not among the served series (docs/operations.md), and the one event-bus hop of each tool call paid for
        // tagged counters and timers on both sides.
        .setDisabledMetricsCategories(Set.of(MetricsDomain.EVENT_BUS.toCategory()))
        .setJvmMetricsEnabled(false); // bound by JvmMeters, once
    return Vertx.builder()
        .with(new VertxOptions(base).setMetricsOptions(metricsOptions))
        // a connection accepted while a server binds must still be answered (EarlyConnectionMetrics)
        .withMetrics(new EarlyConnectionMetrics(new MicrometerMetricsFactory(registry)));
  }

  /** Lets the session gauges read the store. Suppliers are called on each scrape: keep them O(1). */
  public void bindSessions(IntSupplier active, IntSupplier authenticated) {
    this.activeSessions = Objects.requireNonNull(active, "active");
    this.authenticatedSessions = Objects.requireNonNull(authenticated, "authenticated");
  }

  /**
   * The tool names that get series of their own (the catalog's); calls to any other name are counted
   * under {@value #OTHER_TOOL}, so callers cannot grow the label set.
   */
  public void bindTools(Collection<String> toolNames) {
    this.knownTools = Set.copyOf(toolNames);
  }

  /**
   * Counts one {@code tools/call} and records its duration: {@code mcp_tool_calls_total{tool,outcome}} and
   * {@code mcp_tool_duration_seconds{tool}}. A tool's meters are registered on its first call and cached:
   * later calls cost a map lookup and two increments, no registry lookup.
   */
  public void toolCall(String tool, ToolOutcome outcome, long nanos) {
    String name = tool != null && knownTools.contains(tool) ? tool : OTHER_TOOL;
    ToolMeters m = toolMeters.get(name);
    if (m == null) {
      m = toolMeters.computeIfAbsent(name, ToolMeters::new);
    }
    m.record(Objects.requireNonNull(outcome, "outcome"), nanos);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void sessionCreated() {
    sessionsCreated.increment();
  }

  public void sessionExpired() {
    sessionsExpired.increment();
  }

  public void sessionDeleted() {
    sessionsDeleted.increment();
  }

  /** Counts a refused credential; {@code reason} is one of {@link #AUTH_FAILURE_REASONS}, else "other". */
  public void authFailure(String reason) {
    Counter c = reason == null ? null : authFailures.get(reason);
    (c != null ? c : authFailures.get(OTHER_REASON)).increment();
  }

  public void requestProcessed() {
    requestsProcessed.increment();
  }

  public void rejectedByRateLimit() {
    rejectedByRateLimit.increment();
  }

  public void rejectedByCapacity() {
    rejectedByCapacity.increment();
  }

  public void rejectedByIpLimit() {
    rejectedByIpLimit.increment();
  }

  /**
   * Registers the meters of one GitLab instance, labelled {@code gitlab_instance=<name>} (not
   * {@code instance}: Prometheus sets that to the scrape target). The gauges call the suppliers on
   * each scrape: keep them O(1). Call {@link GitLabInstanceMeters#remove()} when the instance goes.
   */
  public GitLabInstanceMeters gitlabInstance(String name, IntSupplier active, IntSupplier queued,
                                             DoubleSupplier health) {
    return new GitLabInstanceMeters(name, active, queued, health);
  }

  /** Prometheus text exposition format 0.0.4; first waits for the JVM meters if they are not bound yet. */
  public String scrape() {
    jvmMeters.await();
    return registry.scrape();
  }

  /**
   * Completes once the JVM and process meters are in the registry; they are bound on a thread of their own so the
   * start-up does not wait for them. /metrics waits for this (without blocking) before its first scrape.
   */
  public CompletionStage<?> jvmMetersBound() {
    return jvmMeters.bound();
  }

  /** The dashboard summary served at /metrics.json. */
  public JsonObject json(JsonObject configSummary) {
    long authFailureCount = 0;
    for (Counter c : authFailures.values()) {
      authFailureCount += (long) c.count();
    }
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return new JsonObject()
        .put("activeSessions", activeSessions.getAsInt())
        .put("totalSessions", (long) sessionsCreated.count())
        .put("expiredSessions", (long) sessionsExpired.count())
        .put("authFailures", authFailureCount)
        .put("requestsProcessed", (long) requestsProcessed.count())
        .put("rejectedByRateLimit", (long) rejectedByRateLimit.count())
        .put("rejectedByCapacity", (long) rejectedByCapacity.count())
        .put("authenticatedSessions", authenticatedSessions.getAsInt())
        .put("uptime", ManagementFactory.getRuntimeMXBean().getUptime() / 1000)
        .put("memoryUsage", new JsonObject()
            .put("heapUsed", heap.getUsed())
            .put("heapTotal", heap.getCommitted())
            .put("rss", rssBytes(PROC_STATUS)))
        .put("config", configSummary);
  }

  /** Stops the JVM binders and the registry; close Vertx first. */
  @Override
  public void close() {
    jvmMeters.close();
    registry.close();
  }

  /**
   * Resident set size from a /proc status file, or -1 where there is none (not Linux, hidden
   * procfs). procfs is generated in memory by the kernel: reading it does not wait on a disk.
   */
  static long rssBytes(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024; // the kernel reports kB
        }
      }
    } catch (IOException | RuntimeException e) {
      // unreadable or unexpected: unknown
    }
    return -1;
  }

  /**
   * The meters of one GitLab instance. Status classes are a fixed set: 2xx, 3xx, 4xx, 5xx, failure
   * (no HTTP answer: unreachable, timed out, too large) and cancelled; rejection reasons are
   * queue_full and queue_timeout.
   */
  public final class GitLabInstanceMeters {
    public static final String INSTANCE_TAG = "gitlab_instance";
    public static final List<String> STATUS_CLASSES = List.of("2xx", "3xx", "4xx", "5xx", "failure", "cancelled");
    public static final List<String> REJECT_REASONS = List.of("queue_full", "queue_timeout");
    // Fixed histogram buckets (Prometheus style): a dozen series per timer, not Micrometer's ~70.
    private static final Duration[] LATENCY_BUCKETS = durations(10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000,
        30_000, 60_000);
    private static final Duration[] WAIT_BUCKETS = durations(1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000,
        30_000);

    private final List<Meter> meters = new ArrayList<>();
    private final Map<String, Counter> requests = new LinkedHashMap<>();
    private final Map<String, Counter> rejections = new LinkedHashMap<>();
    private final Timer latency;
    private final Timer wait;
    private final Counter retries;

    private GitLabInstanceMeters(String name, IntSupplier active, IntSupplier queued, DoubleSupplier health) {
      for (String status : STATUS_CLASSES) {
        requests.put(status, keep(Counter.builder("gitlab.requests").tag(INSTANCE_TAG, name).tag("status", status)
            .description("GitLab calls by outcome: HTTP status class, failure (no answer) or cancelled")
            .register(registry)));
      }
      for (String reason : REJECT_REASONS) {
        rejections.put(reason, keep(Counter.builder("gitlab.limiter.rejected").tag(INSTANCE_TAG, name)
            .tag("reason", reason).description("GitLab calls refused as busy by the instance's limiter")
            .register(registry)));
      }
      latency = keep(Timer.builder("gitlab.request.duration").tag(INSTANCE_TAG, name)
          .description("GitLab call duration, retries included, limiter wait excluded")
          .serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
      wait = keep(Timer.builder("gitlab.limiter.wait").tag(INSTANCE_TAG, name)
          .description("Time admitted GitLab calls waited in the instance's limiter queue")
          .serviceLevelObjectives(WAIT_BUCKETS).register(registry));
      retries = keep(Counter.builder("gitlab.retries").tag(INSTANCE_TAG, name)
          .description("GitLab requests sent again after 429/502/503/504 or a connection failure")
          .register(registry));
      keep(Gauge.builder("gitlab.limiter.active", active, IntSupplier::getAsInt).tag(INSTANCE_TAG, name)
          .description("GitLab calls in flight").strongReference(true).register(registry));
      keep(Gauge.builder("gitlab.limiter.queued", queued, IntSupplier::getAsInt).tag(INSTANCE_TAG, name)
          .description("GitLab calls waiting for a token or a slot").strongReference(true).register(registry));
      keep(Gauge.builder("gitlab.instance.health", health, DoubleSupplier::getAsDouble).tag(INSTANCE_TAG, name)
          .description("Instance health: 1 healthy, 0.5 degraded, 0 down").strongReference(true).register(registry));
    }

    private static Duration[] durations(long... millis) {
      Duration[] d = new Duration[millis.length];
      for (int i = 0; i < millis.length; i++) {
        d[i] = Duration.ofMillis(millis[i]);
      }
      return d;
    }

    private <M extends Meter> M keep(M meter) {
      meters.add(meter);
      return meter;
    }

    /** A call GitLab answered with this HTTP status. */
    public void response(int status, long nanos) {
      int cls = status / 100;
      requests.get(cls >= 2 && cls <= 5 ? cls + "xx" : "failure").increment();
      latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A call that got no HTTP answer. */
    public void failure(long nanos) {
      requests.get("failure").increment();
      latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void cancelled() {
      requests.get("cancelled").increment();
    }

    /** A call refused by the limiter; {@code reason} is one of {@link #REJECT_REASONS}. */
    public void rejected(String reason) {
      Counter c = rejections.get(reason);
      if (c != null) {
        c.increment();
      }
    }

    public void waited(long nanos) {
      wait.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void retried() {
      retries.increment();
    }

    /** Unregisters every meter of this instance (it was removed from the configuration). */
    public void remove() {
      meters.forEach(registry::remove);
      meters.clear();
    }
  }

  /** One tool's series: a counter per outcome (all registered together, so errors read 0, not absent) and a timer. */
  private final class ToolMeters {
    private final Map<ToolOutcome, Counter> calls = new EnumMap<>(ToolOutcome.class);
    private final Timer duration;

    private ToolMeters(String tool) {
      for (ToolOutcome o : ToolOutcome.values()) {
        calls.put(o, Counter.builder("mcp.tool.calls").tag("tool", tool).tag("outcome", o.label)
            .description("MCP tools/call by tool and outcome").register(registry));
      }
      duration = Timer.builder("mcp.tool.duration").tag("tool", tool)
          .description("MCP tools/call duration, every outcome")
          .serviceLevelObjectives(GitLabInstanceMeters.LATENCY_BUCKETS).register(registry);
    }

    void record(ToolOutcome outcome, long nanos) {
      calls.get(outcome).increment();
      duration.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  private Counter rejected(String reason) {
    return Counter.builder("mcp.requests.rejected").tag("reason", reason)
        .description("MCP requests refused before handling").register(registry);
  }

  private static Counter authFailure(String reason, PrometheusMeterRegistry registry) {
    return Counter.builder("mcp.auth.failures").tag("reason", reason)
        .description("Requests refused for their credential").register(registry);
  }
}
