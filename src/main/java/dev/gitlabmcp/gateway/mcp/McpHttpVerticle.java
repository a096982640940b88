package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.crypto.ThreadRandom;
import dev.gitlabmcp.gateway.auth.NoOAuthRoutes;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.gitlab.InstancesHealth;
import dev.gitlabmcp.gateway.ops.DetailToken;
import dev.gitlabmcp.gateway.http.BodyDeadlines;
import dev.gitlabmcp.gateway.http.HttpProblem;
import dev.gitlabmcp.gateway.http.Replies;
import dev.gitlabmcp.gateway.ops.HealthHandler;
import dev.gitlabmcp.gateway.ops.HealthSources;
import dev.gitlabmcp.gateway.ops.MetricsHandler;
import dev.gitlabmcp.gateway.ops.OpsRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The HTTP transport: starts the server, mounts each feature's routes behind one guard (Host, Origin,
 * CORS) and one failure handler. One instance per event loop; sessions live in the shared store.
 * POST is {@link PostHandler}; GET and DELETE are {@link StreamHandler}.
 */
public final class McpHttpVerticle extends VerticleBase {

  public static final String SESSION_HEADER = "Mcp-Session-Id";
  public static final String VERSION_HEADER = "MCP-Protocol-Version";
  private static final String BODY_TIMER = "mcp.bodyTimer";

  private final McpRuntime rt;
  private final GatewayConfig cfg;
  private final IntConsumer onListen;
  /** Bodies still arriving on this verticle's event loop, and their deadlines. */
  private BodyDeadlines<RoutingContext> bodies;

  /**
   * @param onListen told the port actually bound (useful with port 0)
   */
  public McpHttpVerticle(McpRuntime runtime, IntConsumer onListen) {
    this.rt = runtime;
    this.onListen = onListen;
    this.cfg = runtime.config();
  }

  @Override
  public Future<?> start() {
    bodies = new BodyDeadlines<>(cfg.requestBodyTimeoutSeconds() * 1_000_000_000L, System::nanoTime,
        ctx -> ctx.response().ended() || ctx.response().closed(), this::bodyTimedOut);
    vertx.setPeriodic(bodies.sweepMillis(), t -> bodies.sweep());
    Router router = Router.router(vertx);
    router.route().handler(new HttpGuard(new OriginGuard(cfg)));
    DetailToken detailToken = DetailToken.of(cfg.detailToken().reveal());
    HealthSources health = new HealthSources(rt.sessions()::count, cfg.maxSessions(), rt.startedAtMillis(),
        System::currentTimeMillis, () -> InstancesHealth.detail(vertx, rt.instances()), rt.readiness());
    OpsRoutes.mount(router, new HealthHandler(vertx, health, detailToken),
        new MetricsHandler(rt.metrics(), this::configSummary, this::configDetail, detailToken));
    RequestGate gate = mountMcp(router);
    if (rt.authRoutes() != null) {
      rt.authRoutes().accept(router);
    } else {
      new NoOAuthRoutes(cfg.remoteAuthorization()).mount(router);
    }
    router.route().last().handler(ctx -> Replies.problem(ctx, HttpProblem.plain(404, "Not Found",
        "No such endpoint. MCP is served at /mcp.")));
    // A unit of a session's window taken by the early read goes back before the refusal is sent (413).
    router.route().failureHandler(ctx -> gate.release(ctx).onComplete(v -> failure(ctx)));

    HttpServerOptions options = new HttpServerOptions()
        .setHost(cfg.host()).setPort(cfg.port())
        .setIdleTimeout(cfg.idleTimeoutSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxHeaderSize(16 * 1024)
        .setMaxInitialLineLength(8 * 1024)
        .setReuseAddress(true);
    return vertx.createHttpServer(options)
        .requestHandler(router)
        .listen()
        .onSuccess(s -> onListen.accept(s.actualPort()));
  }

  /** /mcp serves the default GitLab instance, /mcp/{instance} a named one. */
  private RequestGate mountMcp(Router router) {
    RequestGate gate = new RequestGate(rt);
    PostHandler post = new PostHandler(rt, gate);
    StatelessHandler stateless = new StatelessHandler(rt, gate, new ListenStreams(vertx, rt));
    StreamHandler streams = new StreamHandler(vertx, rt, gate);
    for (String path : new String[] {"/mcp", "/mcp/:instance"}) {
      router.route(path).handler(this::checkVersion).handler(gate::selectInstance);
      router.post(path).handler(this::checkPostHeaders).handler(gate::lookupEarly);
      // A route of its own: Vert.x Web wants the body handler first on its route.
      router.post(path).handler(BodyHandler.create(false).setBodyLimit(cfg.maxBodyBytes()))
          .handler(ctx -> {
            bodies.done(ctx.get(BODY_TIMER));
            byEra(ctx, gate, post, stateless);
          });
      router.get(path).handler(streams::get);
      router.delete(path).handler(streams::delete);
      router.route(path).handler(ctx -> Replies.problem(ctx, HttpProblem.rpc(405, JsonRpc.SERVER_ERROR,
          "Method Not Allowed: use POST, GET or DELETE on /mcp").header("Allow", HttpGuard.ALLOW)));
    }
    return gate;
  }

  /** What /metrics.json shows of the configuration: limits and modes, never a secret. */
  private JsonObject configSummary() {
    return new JsonObject().put("remoteAuthorization", cfg.remoteAuthorization())
        .put("maxSessions", cfg.maxSessions()).put("maxRequestsPerMinute", cfg.maxRequestsPerMinute())
        .put("sessionTimeoutSeconds", cfg.sessionTimeoutSeconds()).put("readOnly", cfg.readOnly())
        .put("gitlabInstances", new JsonArray(rt.instances().all().stream().map(c -> c.name()).toList()));
  }

  /** What /metrics.json adds for a request with the detail token: internal addresses. */
  private JsonObject configDetail() {
    return new JsonObject().put("gitlabUrl", rt.instances().defaultInstance().baseUrl().toString());
  }

  /**
   * The era is decided here, before any session logic: a stateless request goes to {@link StatelessHandler}
   * and never looks at Mcp-Session-Id; everything else is the 2025 session path.
   */
  private static void byEra(RoutingContext ctx, RequestGate gate, PostHandler post, StatelessHandler stateless) {
    String version = ctx.request().getHeader(VERSION_HEADER);
    HttpProblem refused = RequestGate.pendingRefusal(ctx);
    if (StatelessHandler.applies(ctx)) {
      // no session for a stateless request: what an early read of one took goes back first
      gate.release(ctx).onComplete(v -> stateless.handle(ctx));
    } else if (refused != null) {
      Replies.problem(ctx, refused);
    } else if (version != null && !ProtocolVersions.supported(version)) {
      Replies.problem(ctx, unsupportedVersion(version));
    } else {
      post.handle(ctx);
    }
  }

  /**
   * A 2026-07-28 header is POST only (its GET and DELETE answer 405). An unknown version on POST waits for
   * the body: a stateless body gets that era's error (-32022 listing the versions), any other the 2025 one.
   */
  private void checkVersion(RoutingContext ctx) {
    if (rt.drain() != null && rt.drain().draining()) {
      // Stopping: another replica takes the request; the session lives on in the shared store.
      RequestGate.refuse(ctx, HttpProblem.plain(503, "Service Unavailable", "This gateway replica is shutting down; "
          + "retry the request.").header("Retry-After", "1").header("Connection", "close"));
      return;
    }
    String version = ctx.request().getHeader(VERSION_HEADER);
    boolean post = ctx.request().method() == HttpMethod.POST;
    if (ProtocolVersions.modern(version) && !post) {
      Replies.problem(ctx, HttpProblem.rpc(405, JsonRpc.INVALID_REQUEST, "Method Not Allowed: protocol " + version
          + " is served on POST only (no sessions, no GET stream, no DELETE)").header("Allow", "POST"));
      return;
    }
    if (version != null && !post && !ProtocolVersions.supported(version) && !ProtocolVersions.modern(version)) {
      Replies.problem(ctx, unsupportedVersion(version));
      return;
    }
    ctx.next();
  }

  private static HttpProblem unsupportedVersion(String version) {
    return HttpProblem.rpc(400, JsonRpc.SERVER_ERROR, "Bad Request: unsupported " + VERSION_HEADER
        + " '" + HttpText.clip(version) + "'; supported: " + String.join(", ", ProtocolVersions.SUPPORTED));
  }

  /**
   * Accept, Content-Type and a declared length are checked before the body is read; then the whole body
   * must arrive within the body timeout, so a body that trickles in, or a chunked one that never ends,
   * cannot hold a connection and its buffer indefinitely.
   */
  private void checkPostHeaders(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    if (!(HttpText.accepts(accept, "application/json") && HttpText.accepts(accept, "text/event-stream"))) {
      Replies.problem(ctx, HttpProblem.rpc(406, JsonRpc.SERVER_ERROR,
          "Not Acceptable: the Accept header must include both application/json and text/event-stream"));
      return;
    }
    String ct = ctx.request().getHeader("Content-Type");
    if (ct == null || !ct.toLowerCase(Locale.ROOT).split(";", 2)[0].trim().equals("application/json")) {
      Replies.problem(ctx, HttpProblem.rpc(415, JsonRpc.SERVER_ERROR,
          "Unsupported Media Type: Content-Type must be application/json"));
      return;
    }
    String cl = ctx.request().getHeader("Content-Length");
    try {
      if (cl != null && Long.parseLong(cl.trim()) > cfg.maxBodyBytes()) {
        Replies.problem(ctx, tooLarge());
        return;
      }
    } catch (NumberFormatException e) {
      Replies.problem(ctx, HttpProblem.rpc(400, JsonRpc.SERVER_ERROR, "Bad Request: Content-Length is not a number"));
      return;
    }
    ctx.put(BODY_TIMER, bodies.arrive(ctx));
    ctx.next();
  }

  private void bodyTimedOut(RoutingContext ctx) {
    Replies.problem(ctx, HttpProblem.rpc(408, JsonRpc.SERVER_ERROR, "Request Timeout: the body did not arrive within "
        + cfg.requestBodyTimeoutSeconds() + " s (MCP_REQUEST_BODY_TIMEOUT_SECONDS)").header("Connection", "close"));
    if (ctx.request().version() == HttpVersion.HTTP_2) {
      ctx.request().response().reset();
    } else {
      ctx.request().connection().close();
    }
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      Replies.problem(ctx, tooLarge());
    } else if (status > 0 && status < 500) {
      Replies.problem(ctx, HttpProblem.rpc(status, JsonRpc.SERVER_ERROR, "Request rejected"));
    } else {
      Replies.fail(ctx, ctx.failure() == null ? new IllegalStateException("HTTP " + status) : ctx.failure());
    }
  }

  private HttpProblem tooLarge() {
    return HttpProblem.rpc(413, JsonRpc.SERVER_ERROR, "Payload Too Large: the body exceeds " + cfg.maxBodyBytes()
        + " bytes (MCP_MAX_BODY_BYTES)").header("Connection", "close");
  }

  static String newSessionId() {
    byte[] b = new byte[24];
    ThreadRandom.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
