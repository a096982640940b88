package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.Addresses;
import dev.gitlabmcp.gateway.auth.BearerGuard;
import dev.gitlabmcp.gateway.auth.CallerToken;
import dev.gitlabmcp.gateway.auth.IdentityVerifier;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.gitlab.InstancesHealth;
import dev.gitlabmcp.gateway.ops.DetailToken;
import dev.gitlabmcp.gateway.ops.HealthHandler;
import dev.gitlabmcp.gateway.ops.HealthSources;
import dev.gitlabmcp.gateway.ops.MetricsHandler;
import dev.gitlabmcp.gateway.ops.OpsRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streamable HTTP transport: POST, GET and DELETE on /mcp, plus /health. It checks the HTTP
 * envelope (host, origin, auth, headers, size, session) and hands JSON-RPC messages to
 * {@link McpServer}. One instance per event loop; sessions live in the shared store.
 */
public final class McpHttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(McpHttpVerticle.class);
  public static final String SESSION_HEADER = "Mcp-Session-Id";
  public static final String VERSION_HEADER = "MCP-Protocol-Version";
  public static final String CLOSE_STREAMS = "close";
  public static final String INSTANCE_HEADER = "X-GitLab-Instance";
  /** The header other GitLab MCP servers use to pick a GitLab URL per request; here it may only name a configured one. */
  public static final String API_URL_HEADER = "X-GitLab-API-URL";
  private static final String INSTANCE_KEY = "gitlab.instance";
  private static final String SESSION_KEY = "mcp.session";
  private static final String ALLOW = "GET, POST, DELETE";
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Most JSON values (objects, arrays, scalars) one request body may hold; see {@link #withinValueBudget}. */
  static final int MAX_JSON_VALUES = 10_000;

  private final McpRuntime rt;
  private final GatewayConfig cfg;
  private final OriginGuard origins;
  private final BearerGuard bearer;
  private final java.util.function.IntConsumer onListen;

  /**
   * @param onListen told the port actually bound (useful with port 0)
   */
  public McpHttpVerticle(McpRuntime runtime, java.util.function.IntConsumer onListen) {
    this.rt = runtime;
    this.onListen = onListen;
    this.cfg = runtime.config();
    this.origins = new OriginGuard(cfg);
    this.bearer = new BearerGuard(cfg.mcpAuthToken());
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    DetailToken detailToken = DetailToken.of(cfg.detailToken().reveal());
    HealthSources health = new HealthSources(() -> Future.succeededFuture(rt.sessions().size()), cfg.maxSessions(),
        rt.startedAtMillis(), System::currentTimeMillis, () -> InstancesHealth.detail(vertx, rt.instances()),
        java.util.List.of());
    OpsRoutes.mount(router, new HealthHandler(vertx, health, detailToken),
        new MetricsHandler(rt.metrics(), this::configSummary, this::configDetail, detailToken));
    // /mcp serves the default GitLab instance, /mcp/{instance} a named one.
    for (String path : new String[] {"/mcp", "/mcp/:instance"}) {
      router.route(path).handler(this::guard);
      router.post(path).handler(this::checkPostHeaders);
      // A route of its own: Vert.x Web wants the body handler first on its route.
      router.post(path).handler(BodyHandler.create(false).setBodyLimit(cfg.maxBodyBytes())).handler(this::post);
      router.get(path).handler(this::get);
      router.delete(path).handler(this::delete);
      router.route(path).handler(ctx -> {
        ctx.response().putHeader("Allow", ALLOW);
        httpError(ctx, 405, "Method Not Allowed: use POST, GET or DELETE on /mcp");
      });
    }
    router.route().last().handler(ctx -> plainError(ctx, 404, "Not Found", "No such endpoint. MCP is served at /mcp."));
    router.route().failureHandler(this::failure);

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

  // ---- envelope checks, in the order a request meets them ----

  private void guard(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String hostProblem = origins.checkHost(req.authority() == null ? req.getHeader("Host") : req.authority().toString());
    String origin = req.getHeader("Origin");
    String originProblem = hostProblem == null ? origins.checkOrigin(origin) : null;
    if (hostProblem != null || originProblem != null) {
      httpError(ctx, 403, "Forbidden: " + (hostProblem != null ? hostProblem : originProblem));
      return;
    }
    if (origin != null) {
      ctx.response().putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin")
          .putHeader("Access-Control-Expose-Headers", SESSION_HEADER + ", " + VERSION_HEADER);
      if (req.method() == HttpMethod.OPTIONS) {
        ctx.response().setStatusCode(204)
            .putHeader("Access-Control-Allow-Methods", ALLOW)
            .putHeader("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization, Private-Token, Job-Token, "
                + INSTANCE_HEADER + ", "
                + SESSION_HEADER + ", " + VERSION_HEADER + ", Last-Event-ID")
            .putHeader("Access-Control-Max-Age", "600")
            .end();
        return;
      }
    }
    if (!bearer.accepts(req.getHeader("Authorization"))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"gitlab-mcp-gateway\"");
      plainError(ctx, 401, "Unauthorized",
          "This gateway requires 'Authorization: Bearer <token>' with the token its operator configured (MCP_AUTH_TOKEN).");
      return;
    }
    String version = req.getHeader(VERSION_HEADER);
    if (version != null && !ProtocolVersions.supported(version)) {
      httpError(ctx, 400, "Bad Request: unsupported " + VERSION_HEADER + " '" + clip(version) + "'; supported: "
          + String.join(", ", ProtocolVersions.SUPPORTED));
      return;
    }
    if (chooseInstance(ctx)) {
      ctx.next();
    }
  }

  /**
   * The instance a request names explicitly: the path (/mcp/corp), X-GitLab-Instance, or
   * X-GitLab-API-URL matching a configured instance's URL. A URL the client supplies is never
   * followed: it may only point at an instance the operator configured. Answers the error itself
   * and returns false when the request names no configured instance.
   */
  private boolean chooseInstance(RoutingContext ctx) {
    String fromPath = ctx.pathParam("instance");
    String fromHeader = ctx.request().getHeader(INSTANCE_HEADER);
    String fromUrl = ctx.request().getHeader(API_URL_HEADER);
    String chosen = null;
    if (fromPath != null) {
      if (rt.instances().get(fromPath) == null) {
        httpError(ctx, 404, "Not Found: this gateway has no GitLab instance '" + clip(fromPath) + "'; configured: "
            + names() + " (use /mcp/<name>, or /mcp for the default)");
        return false;
      }
      chosen = fromPath;
    }
    if (fromHeader != null) {
      if (rt.instances().get(fromHeader.trim()) == null) {
        httpError(ctx, 403, "Forbidden: " + INSTANCE_HEADER + " names no configured GitLab instance; configured: "
            + names());
        return false;
      }
      if (chosen != null && !chosen.equals(fromHeader.trim())) {
        httpError(ctx, 400, "Bad Request: the path and " + INSTANCE_HEADER + " name different GitLab instances");
        return false;
      }
      chosen = fromHeader.trim();
    }
    if (fromUrl != null) {
      java.net.URI wanted = dev.gitlabmcp.gateway.config.GitLabConfig.normalizeUrl(fromUrl);
      String match = wanted == null ? null : rt.instances().all().stream()
          .filter(c -> c.baseUrl().toString().equalsIgnoreCase(wanted.toString())).map(c -> c.name())
          .findFirst().orElse(null);
      if (match == null) {
        httpError(ctx, 403, "Forbidden: this gateway only talks to the GitLab instances its operator configured, and "
            + API_URL_HEADER + " matches none of them; configured: " + names());
        return false;
      }
      if (chosen != null && !chosen.equals(match)) {
        httpError(ctx, 400, "Bad Request: " + API_URL_HEADER + " and the path or " + INSTANCE_HEADER
            + " name different GitLab instances");
        return false;
      }
      chosen = match;
    }
    ctx.put(INSTANCE_KEY, chosen == null ? "" : chosen);
    return true;
  }

  private String names() {
    return String.join(", ", rt.instances().all().stream().map(c -> c.name()).toList());
  }

  private static String explicitInstance(RoutingContext ctx) {
    String s = ctx.get(INSTANCE_KEY);
    return s == null || s.isEmpty() ? null : s;
  }

  private void checkPostHeaders(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    if (!(accepts(accept, "application/json") && accepts(accept, "text/event-stream"))) {
      httpError(ctx, 406, "Not Acceptable: the Accept header must include both application/json and text/event-stream");
      return;
    }
    String ct = ctx.request().getHeader("Content-Type");
    if (ct == null || !ct.toLowerCase(Locale.ROOT).split(";", 2)[0].trim().equals("application/json")) {
      httpError(ctx, 415, "Unsupported Media Type: Content-Type must be application/json");
      return;
    }
    String cl = ctx.request().getHeader("Content-Length");
    if (cl != null) {
      try {
        if (Long.parseLong(cl.trim()) > cfg.maxBodyBytes()) {
          tooLarge(ctx);
          return;
        }
      } catch (NumberFormatException e) {
        httpError(ctx, 400, "Bad Request: Content-Length is not a number");
        return;
      }
    }
    ctx.next();
  }

  /**
   * True when the message holds at most budget[0] JSON values (objects, arrays and scalars). A 2 MB body
   * can hold 500,000 values, and schema validation pays per value that fails: such a message would hold
   * an event loop for seconds. No MCP message a client needs comes near this.
   */
  static boolean withinValueBudget(Object v, int[] budget) {
    if (--budget[0] < 0) {
      return false;
    }
    if (v instanceof JsonObject o) {
      for (var e : o) {
        if (!withinValueBudget(e.getValue(), budget)) {
          return false;
        }
      }
    } else if (v instanceof JsonArray a) {
      for (Object x : a) {
        if (!withinValueBudget(x, budget)) {
          return false;
        }
      }
    }
    return true;
  }

  static boolean accepts(String accept, String type) {
    if (accept == null) {
      return false;
    }
    String major = type.substring(0, type.indexOf('/'));
    for (String part : accept.split(",")) {
      String t = part.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (t.equals(type) || t.equals("*/*") || t.equals(major + "/*")) {
        return true;
      }
    }
    return false;
  }

  // ---- POST: client-to-server messages ----

  private void post(RoutingContext ctx) {
    authenticate(ctx, principal -> postAuthenticated(ctx, principal));
  }

  private void postAuthenticated(RoutingContext ctx, Principal principal) {
    Buffer raw = ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      rpcError(ctx, 400, JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: the body is empty"));
      return;
    }
    Object msg;
    try {
      msg = Json.decodeValue(raw); // a body of JSON null decodes to null: valid JSON, not a message
    } catch (DecodeException e) {
      rpcError(ctx, 400, JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: the body is not valid JSON"));
      return;
    }
    if (!withinValueBudget(msg, new int[] {MAX_JSON_VALUES})) {
      rpcError(ctx, 400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: the message holds more than "
          + MAX_JSON_VALUES + " JSON values"));
      return;
    }
    if (msg instanceof JsonObject o && "initialize".equals(o.getValue("method"))) {
      initialize(ctx, o, principal);
      return;
    }
    String sessionId = ctx.request().getHeader(SESSION_HEADER);
    if (sessionId == null) {
      if (msg instanceof JsonArray) {
        rpcError(ctx, 400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
            "Invalid Request: batches are not accepted here (and initialize must be sent alone)"));
        return;
      }
      JsonObject bad = McpServer.envelopeError(msg);
      if (bad != null) {
        rpcError(ctx, 400, bad);
        return;
      }
      httpError(ctx, 400, "Bad Request: " + SESSION_HEADER + " header is required; send initialize first");
      return;
    }
    withSession(ctx, principal, session -> {
      if (msg instanceof JsonArray batch) {
        postBatch(ctx, session, batch, principal);
      } else {
        postSingle(ctx, session, msg, principal);
      }
    });
  }

  private void initialize(RoutingContext ctx, JsonObject request, Principal principal) {
    JsonObject bad = McpServer.envelopeError(request);
    if (bad != null || !request.containsKey("id")) {
      rpcError(ctx, 400, bad != null ? bad
          : JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: initialize must be a request with an id"));
      return;
    }
    JsonObject response = rt.server().initialize(request);
    if (JsonRpc.isError(response)) {
      json(ctx, 200, response);
      return;
    }
    String version = response.getJsonObject("result").getString("protocolVersion");
    boolean perUser = cfg.remoteAuthorization();
    McpSession session = new McpSession(newSessionId(), version, McpServer.clientName(request),
        System.currentTimeMillis(), perUser ? principal.subject() : null, perUser ? principal.credential() : null);
    session.instance(principal.instance());
    rt.sessions().create(session, cfg.maxSessions()).onComplete(ar -> {
      if (ar.failed() || !ar.result()) {
        rt.metrics().rejectedByCapacity();
        ctx.response().putHeader("Retry-After", "30");
        plainError(ctx, 503, "Server capacity reached",
            "Maximum " + cfg.maxSessions() + " concurrent sessions allowed. Please try again later.");
        return;
      }
      LOG.info("session_created instance={} session={} client=\"{}\" protocol={} subject={}", principal.instance(),
          session.shortId(), session.clientName(), version, principal.subject());
      rt.metrics().sessionCreated();
      ctx.response().putHeader(SESSION_HEADER, session.id());
      json(ctx, 200, response);
    });
  }

  private void postSingle(RoutingContext ctx, McpSession session, Object msg, Principal principal) {
    JsonObject bad = McpServer.envelopeError(msg);
    if (bad != null) {
      rpcError(ctx, 400, bad);
      return;
    }
    JsonObject m = (JsonObject) msg;
    if (!m.containsKey("id") || !m.containsKey("method")) {
      rt.server().handle(session, m, principal, Sink.NONE);
      ctx.response().setStatusCode(202).end();
      return;
    }
    HttpServerResponse resp = ctx.response();
    SseStream[] sse = new SseStream[1];
    Sink sink = notification -> {
      if (sse[0] == null) {
        sse[0] = new SseStream(resp, session.shortId()).start();
      }
      sse[0].event(notification);
    };
    Object requestId = m.getValue("id");
    // The client went away: stop the GitLab call it was waiting for.
    resp.closeHandler(v -> rt.server().cancel(session, requestId));
    rt.server().handle(session, m, principal, sink).onComplete(ar -> {
      JsonObject response = ar.succeeded() ? ar.result()
          : JsonRpc.error(requestId, JsonRpc.INTERNAL_ERROR, "Internal error");
      if (ar.failed()) {
        LOG.error("mcp_handler_failed session={} error={}", session.shortId(), ar.cause().getClass().getName(),
            ar.cause());
      }
      if (sse[0] != null) {
        sse[0].event(response);
        sse[0].end();
      } else {
        json(ctx, 200, response);
      }
    });
  }

  private void postBatch(RoutingContext ctx, McpSession session, JsonArray batch, Principal principal) {
    if (!ProtocolVersions.allowsBatches(session.protocolVersion())) {
      rpcError(ctx, 400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
          "Invalid Request: JSON-RPC batches are only accepted in " + ProtocolVersions.V2025_03_26 + " sessions"));
      return;
    }
    if (batch.isEmpty()) {
      // JSON-RPC 2.0: an empty array is answered with one error object, not an array.
      rpcError(ctx, 400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: empty batch"));
      return;
    }
    rt.server().handleBatch(session, batch, principal).onComplete(ar -> {
      if (ar.failed()) {
        rpcError(ctx, 500, JsonRpc.error(null, JsonRpc.INTERNAL_ERROR, "Internal error"));
      } else if (ar.result() == null) {
        ctx.response().setStatusCode(202).end();
      } else {
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(ar.result().toBuffer());
      }
    });
  }

  // ---- GET: the server-to-client stream ----

  private void get(RoutingContext ctx) {
    if (!accepts(ctx.request().getHeader("Accept"), "text/event-stream")) {
      httpError(ctx, 406, "Not Acceptable: GET /mcp opens an event stream; Accept must include text/event-stream");
      return;
    }
    authenticate(ctx, principal -> withSession(ctx, principal, session -> {
      HttpServerResponse resp = ctx.response();
      SseStream stream = new SseStream(resp, session.shortId() + "g" + Long.toHexString(RANDOM.nextInt() & 0xffffL))
          .start();
      MessageConsumer<Object> consumer = vertx.eventBus().localConsumer(Addresses.sessionOut(session.id()), msg -> {
        if (msg.body() instanceof JsonObject n) {
          stream.event(n);
        } else if (CLOSE_STREAMS.equals(msg.body())) {
          stream.end();
        }
      });
      long heartbeat = vertx.setPeriodic(cfg.sseHeartbeatSeconds() * 1000L, t -> stream.comment("keep-alive"));
      resp.closeHandler(v -> {
        consumer.unregister();
        vertx.cancelTimer(heartbeat);
      });
      resp.endHandler(v -> {
        consumer.unregister();
        vertx.cancelTimer(heartbeat);
      });
    }));
  }

  // ---- DELETE: end the session ----

  private void delete(RoutingContext ctx) {
    authenticate(ctx, principal -> withSession(ctx, principal, session -> {
      session.forgetCredential();
      rt.sessions().remove(session.id()).onComplete(ar -> {
        vertx.eventBus().publish(Addresses.sessionOut(session.id()), CLOSE_STREAMS);
        LOG.info("session_deleted session={}", session.shortId());
        rt.metrics().sessionDeleted();
        ctx.response().setStatusCode(204).end();
      });
    }));
  }

  /**
   * Finds the session, checks it belongs to the caller, stores a rotated token, and applies the
   * session's rate limit; answers 400/403/404/429 itself.
   */
  private void withSession(RoutingContext ctx, Principal principal, Consumer<McpSession> then) {
    String id = ctx.request().getHeader(SESSION_HEADER);
    if (id == null) {
      httpError(ctx, 400, "Bad Request: " + SESSION_HEADER + " header is required");
      return;
    }
    session(ctx, id).onComplete(ar -> {
      McpSession s = ar.succeeded() ? ar.result() : null;
      if (s == null) {
        httpError(ctx, 404, "Not Found: unknown or ended session; send initialize to start a new one");
        return;
      }
      String bound = rt.instanceOf(s);
      String explicit = explicitInstance(ctx);
      if (explicit != null && !explicit.equals(bound)) {
        httpError(ctx, 400, "Bad Request: this session works with GitLab instance '" + bound + "'; send its requests "
            + "to /mcp/" + bound + " (or start a new session on /mcp/" + explicit + ")");
        return;
      }
      if (rt.instances().get(bound) == null) {
        httpError(ctx, 404, "Not Found: GitLab instance '" + bound + "' was removed from this gateway's configuration; "
            + "start a new session with initialize");
        return;
      }
      if (s.owner() != null && !s.owner().equals(principal.subject())) {
        LOG.warn("session_owner_mismatch session={} subject={}", s.shortId(), principal.subject());
        rt.metrics().authFailure("forbidden");
        plainError(ctx, 403, "Forbidden", "This session belongs to another GitLab user. Start your own session with "
            + "initialize.");
        return;
      }
      if (s.owner() != null) {
        s.credential(principal.credential()); // rotation: the newest token of the same user wins
      }
      long now = System.currentTimeMillis();
      WindowLimiter.Decision d = s.limiter().acquire(cfg.maxRequestsPerMinute(), now);
      rateLimitHeaders(ctx, d);
      if (!d.allowed()) {
        rt.metrics().rejectedByRateLimit();
        ctx.response().putHeader("Retry-After", Long.toString(d.resetSeconds()));
        plainError(ctx, 429, "Rate limit exceeded", "Maximum " + d.limit() + " requests per minute allowed");
        return;
      }
      rt.metrics().requestProcessed();
      s.touch(now);
      then.accept(s);
    });
  }

  private static void rateLimitHeaders(RoutingContext ctx, WindowLimiter.Decision d) {
    ctx.response().putHeader("RateLimit-Limit", Integer.toString(d.limit()))
        .putHeader("RateLimit-Remaining", Integer.toString(d.remaining()))
        .putHeader("RateLimit-Reset", Long.toString(d.resetSeconds()));
  }

  // ---- who is calling ----

  /**
   * Turns the request into a Principal on every request (a session id alone never authenticates):
   * the server-side principal, or in remote-authorization mode the caller's own GitLab token,
   * verified with GitLab before any session exists.
   */
  private void authenticate(RoutingContext ctx, Consumer<Principal> then) {
    targetInstance(ctx).onComplete(ar -> authenticate(ctx, ar.succeeded() ? ar.result()
        : rt.instances().defaultInstance().name(), then));
  }

  /** The instance the request is for: named explicitly, else its session's, else the default one. */
  private Future<String> targetInstance(RoutingContext ctx) {
    String explicit = explicitInstance(ctx);
    if (explicit != null) {
      return Future.succeededFuture(explicit);
    }
    String id = ctx.request().getHeader(SESSION_HEADER);
    if (id == null) {
      return Future.succeededFuture(rt.instances().defaultInstance().name());
    }
    return session(ctx, id).map(rt::instanceOf);
  }

  /** The request's session, looked up in the store once per request (authentication and the session checks share it). */
  private Future<McpSession> session(RoutingContext ctx, String id) {
    Future<McpSession> known = ctx.get(SESSION_KEY);
    if (known == null) {
      known = rt.sessions().get(id);
      ctx.put(SESSION_KEY, known);
    }
    return known;
  }

  private void authenticate(RoutingContext ctx, String instance, Consumer<Principal> then) {
    if (rt.instances().get(instance) == null) {
      // Its session's instance was removed by a reload: no token goes anywhere else.
      httpError(ctx, 404, "Not Found: GitLab instance '" + clip(instance) + "' was removed from this gateway's "
          + "configuration; start a new session with initialize");
      return;
    }
    if (!cfg.remoteAuthorization()) {
      then.accept(rt.serverPrincipal(instance));
      return;
    }
    CallerToken token = CallerToken.from(ctx.request().headers());
    if (token.missing()) {
      unauthenticated(ctx, "missing", "Missing Authorization or Private-Token header",
          "Remote authorization is enabled. Please provide Authorization or Private-Token header.");
      return;
    }
    if (token.malformed()) {
      unauthenticated(ctx, "format", "Invalid token format", "The token format is invalid: " + token.problem() + ".");
      return;
    }
    rt.verifier().verify(instance, token.credential()).onComplete(ar -> {
      IdentityVerifier.Verdict v = ar.succeeded() ? ar.result()
          : new IdentityVerifier.Verdict(IdentityVerifier.Outcome.UNAVAILABLE, null, "the token check failed");
      switch (v.outcome()) {
        case VALID -> {
          // The first verified caller of an instance without a server token lets the gateway learn its edition.
          if (cfg.backgroundChecks()) {
            rt.introspector().learnWith(instance, token.credential());
          }
          then.accept(new Principal(instance, token.credential(), v.identity().subject()));
        }
        case INVALID -> unauthenticated(ctx, "invalid", "Invalid GitLab token", v.message() + ".");
        default -> {
          ctx.response().putHeader("Retry-After", "5");
          plainError(ctx, 503, "GitLab unavailable", "Could not verify the token: " + v.message() + ". Try again shortly.");
        }
      }
    });
  }

  /** 401, unless this address has sent too many requests without a valid token: then 429. */
  private void unauthenticated(RoutingContext ctx, String reason, String error, String message) {
    rt.metrics().authFailure(reason);
    WindowLimiter.Decision d = rt.ipLimiter().acquire(clientAddress(ctx), System.currentTimeMillis());
    if (!d.allowed()) {
      rt.metrics().rejectedByIpLimit();
      rateLimitHeaders(ctx, d);
      ctx.response().putHeader("Retry-After", Long.toString(d.resetSeconds()));
      plainError(ctx, 429, "Rate limit exceeded", "Too many requests without a valid token from this address; maximum "
          + d.limit() + " per minute");
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"gitlab-mcp-gateway\"");
    plainError(ctx, 401, error, message);
  }

  private String clientAddress(RoutingContext ctx) {
    if (cfg.trustProxy()) {
      String xff = ctx.request().getHeader("X-Forwarded-For");
      if (xff != null && !xff.isBlank()) {
        String first = xff.split(",", 2)[0].trim();
        if (!first.isEmpty() && first.length() <= 64) {
          return first;
        }
      }
    }
    return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
  }

  // ---- responders ----

  private void failure(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    int status = ctx.statusCode();
    if (status == 413) {
      tooLarge(ctx);
    } else if (status > 0 && status < 500) {
      httpError(ctx, status, "Request rejected");
    } else {
      Throwable t = ctx.failure();
      LOG.error("http_internal_error path={} error={}", ctx.request().path(), t == null ? status
          : t.getClass().getName(), t);
      if (ctx.response().headWritten()) {
        ctx.response().reset();
      } else {
        rpcError(ctx, 500, JsonRpc.error(null, JsonRpc.INTERNAL_ERROR, "Internal error"));
      }
    }
  }

  private void tooLarge(RoutingContext ctx) {
    ctx.response().putHeader("Connection", "close");
    httpError(ctx, 413, "Payload Too Large: the body exceeds " + cfg.maxBodyBytes() + " bytes (MCP_MAX_BODY_BYTES)");
  }

  /** A transport-level error, shaped as a JSON-RPC error as the reference SDKs do. */
  private static void httpError(RoutingContext ctx, int status, String message) {
    rpcError(ctx, status, JsonRpc.error(null, JsonRpc.SERVER_ERROR, message));
  }

  private static void rpcError(RoutingContext ctx, int status, JsonObject body) {
    json(ctx, status, body);
  }

  /** An error in the {"error","message"} shape that the established GitLab MCP server documents. */
  static void plainError(RoutingContext ctx, int status, String error, String message) {
    json(ctx, status, new JsonObject().put("error", error).put("message", message));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    HttpServerResponse r = ctx.response();
    if (r.ended() || r.closed()) {
      return;
    }
    r.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }

  static String newSessionId() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String clip(String s) {
    String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
  }
}
