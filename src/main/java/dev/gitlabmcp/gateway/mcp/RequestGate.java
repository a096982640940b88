package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.auth.AuthFailure;
import dev.gitlabmcp.gateway.auth.Authenticator;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.http.HttpProblem;
import dev.gitlabmcp.gateway.http.Replies;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who calls, and in which session: the steps every /mcp request takes before it is dispatched.
 * Each returns a future that fails with an {@link HttpProblem} the request's one failure path answers.
 * The session is looked up once per request; authentication uses its instance.
 */
final class RequestGate {

  private static final Logger LOG = LoggerFactory.getLogger(RequestGate.class);
  private static final String SESSION_KEY = "mcp.session";
  private static final String EXPLICIT_KEY = "gitlab.instance";
  private static final String REFUSAL_KEY = "mcp.refusal";
  private static final String CHARGED_KEY = "mcp.charged";

  private final McpRuntime rt;
  private final GatewayConfig cfg;
  /** {@link GatewayConfig#shared}, read once: it parses the host. */
  private final boolean shared;
  private final InstanceSelector selector;

  RequestGate(McpRuntime rt) {
    this.rt = rt;
    this.cfg = rt.config();
    this.shared = cfg.shared();
    this.selector = new InstanceSelector(rt.instances());
  }

  /** Checks the instance the request names (404/403/400) and remembers it; the route's first /mcp step. */
  void selectInstance(RoutingContext ctx) {
    String explicit;
    try {
      explicit = selector.explicit(ctx);
    } catch (HttpProblem p) {
      refuse(ctx, p);
      return;
    }
    ctx.put(EXPLICIT_KEY, explicit == null ? "" : explicit);
    ctx.next();
  }

  /**
   * A refusal decided before the body is read: GET and DELETE get it at once; a POST gets it once its body
   * is read ({@link #pendingRefusal}), so that in 2026-07-28 the refusal can echo the request's id.
   */
  static void refuse(RoutingContext ctx, HttpProblem p) {
    if (ctx.request().method() != HttpMethod.POST) {
      Replies.problem(ctx, p);
      return;
    }
    ctx.put(REFUSAL_KEY, p);
    ctx.next();
  }

  /** The refusal {@link #refuse} held back for this POST until its body was read, or null. */
  static HttpProblem pendingRefusal(RoutingContext ctx) {
    return ctx.get(REFUSAL_KEY);
  }

  static String explicitInstance(RoutingContext ctx) {
    String s = ctx.get(EXPLICIT_KEY);
    return s == null || s.isEmpty() ? null : s;
  }

  /**
   * The second step of a POST, once its headers are checked: starts the session read before the body is read and
   * parsed, so the round trip to a shared store (Redis) overlaps them. Only when the headers say the request takes
   * the session path (McpHttpVerticle's byEra): a 2025 version header or none, nothing refused. Without a header the
   * body may still turn out stateless: that request gives the unit back ({@link #release}) before it goes on.
   */
  void lookupEarly(RoutingContext ctx) {
    String version = ctx.request().getHeader(McpHttpVerticle.VERSION_HEADER);
    if (pendingRefusal(ctx) == null && (version == null || ProtocolVersions.supported(version))
        && !ProtocolVersions.modern(version)) {
      lookup(ctx);
    }
    ctx.next();
  }

  /** The session the request names, or null (no header, unknown, ended); looked up once per request. */
  Future<SessionState> lookup(RoutingContext ctx) {
    Future<SessionState> known = ctx.get(SESSION_KEY);
    if (known == null) {
      String id = ctx.request().getHeader(McpHttpVerticle.SESSION_HEADER);
      known = id == null ? Future.succeededFuture()
          : read(ctx, id).recover(err -> Future.failedFuture(storeUnavailable(err)));
      ctx.put(SESSION_KEY, known);
    }
    return known;
  }

  /**
   * On a shared gateway a POST or GET mostly costs one unit of its session's window: a store that can
   * (Redis) takes it with the read, one round trip instead of two. {@link #session} settles it once the caller
   * is checked and the cost known; a request that never gets there (refused, initialize) gives it back.
   */
  private Future<SessionState> read(RoutingContext ctx, String id) {
    HttpMethod method = ctx.request().method();
    if (!shared || (method != HttpMethod.POST && method != HttpMethod.GET)) {
      return rt.sessions().get(id);
    }
    return rt.sessions().getAndCharge(id, rt.sessionLimiter(), cfg.maxRequestsPerMinute(), 1).map(c -> {
      if (c.decision() != null) {
        ctx.put(CHARGED_KEY, c.decision());
        if (c.decision().allowed() && (ctx.response().ended() || ctx.response().closed())) {
          // read early (lookupEarly): the request ended meanwhile (client gone), nothing will settle the unit
          release(ctx);
        } else if (c.decision().allowed()) {
          ctx.addEndHandler(v -> {
            if (ctx.get(CHARGED_KEY) != null) {
              rt.sessions().refund(id, 1);
            }
          });
        }
      }
      return c.session();
    });
  }

  /**
   * Gives back the unit the session read took when the request is refused before it was settled, and only then
   * lets the refusal be sent, so the client's next request finds its window as it was. A read still in flight
   * (started by {@link #lookupEarly}) is waited for. The end handler that {@link #read} registered stays as the
   * fallback for paths that end otherwise.
   */
  Future<Void> release(RoutingContext ctx) {
    Future<SessionState> reading = ctx.get(SESSION_KEY);
    if (reading != null && !reading.isComplete()) {
      return reading.transform(ar -> release(ctx));
    }
    RateLimiter.Decision charged = ctx.remove(CHARGED_KEY);
    String id = ctx.request().getHeader(McpHttpVerticle.SESSION_HEADER);
    if (charged == null || !charged.allowed() || id == null) {
      return Future.succeededFuture();
    }
    return rt.sessions().refund(id, 1).otherwise(err -> null);
  }

  /**
   * Authenticates on the instance the request is for: named explicitly, else its session's, else the
   * default. A session's instance removed by a reload gets 404: no token goes anywhere else.
   */
  Future<Principal> authenticate(RoutingContext ctx, SessionState session) {
    String explicit = explicitInstance(ctx);
    String instance = explicit != null ? explicit : rt.instanceOf(session);
    if (rt.instances().get(instance) == null) {
      return Future.failedFuture(removedInstance(instance));
    }
    Authenticator.Request req = new Authenticator.Request(ctx.request().headers(), instance,
        rt.clientAddress().of(ctx.request()));
    return rt.authenticator().authenticate(req)
        .recover(err -> Future.failedFuture(err instanceof AuthFailure f ? problem(ctx, f) : err));
  }

  /** With OAuth sign-in, a 401 tells the client where to start (the metadata of the resource it asked for). */
  private HttpProblem problem(RoutingContext ctx, AuthFailure f) {
    if (!cfg.oauth().enabled()) {
      return f.toProblem();
    }
    return f.toProblem(cfg.oauth().resourceMetadata(ctx.pathParam("instance")),
        "readonly".equals(cfg.permissionMode()) ? "read_api" : "api");
  }

  /**
   * The request's session, checked: it exists, works with the instance the request names, still has its
   * instance, belongs to the caller; then {@code cost} units of its per-minute window are taken (0 for
   * what is never refused: notifications, ending a session) and it is marked active.
   */
  Future<SessionState> session(RoutingContext ctx, SessionState s, Principal principal, int cost) {
    if (ctx.request().getHeader(McpHttpVerticle.SESSION_HEADER) == null) {
      return Future.failedFuture(HttpProblem.rpc(400, JsonRpc.SERVER_ERROR, "Bad Request: "
          + McpHttpVerticle.SESSION_HEADER + " header is required; send initialize first"));
    }
    if (s == null) {
      return Future.failedFuture(HttpProblem.rpc(404, JsonRpc.SERVER_ERROR,
          "Not Found: unknown or ended session; send initialize to start a new one"));
    }
    String bound = rt.instanceOf(s);
    String explicit = explicitInstance(ctx);
    if (explicit != null && !explicit.equals(bound)) {
      return Future.failedFuture(HttpProblem.rpc(400, JsonRpc.SERVER_ERROR, "Bad Request: this session works with "
          + "GitLab instance '" + bound + "'; send its requests to /mcp/" + bound + " (or start a new session on /mcp/"
          + explicit + ")"));
    }
    if (s.owner() != null && !s.owner().equals(principal.subject())) {
      LOG.warn("session_owner_mismatch session={} subject={}", s.shortId(), principal.subject());
      rt.metrics().authFailure("forbidden");
      return Future.failedFuture(HttpProblem.plain(403, "Forbidden", "This session belongs to another GitLab user. "
          + "Start your own session with initialize."));
    }
    return chargeSession(ctx, s, cost).map(v -> {
      rt.metrics().requestProcessed();
      return s;
    });
  }

  /** Charges the session's window and marks it active, one step on a shared store; only marks it when free. */
  private Future<Void> chargeSession(RoutingContext ctx, SessionState s, int cost) {
    RateLimiter.Decision read = ctx.remove(CHARGED_KEY);
    if (read != null) {
      return settle(ctx, s, read, cost);
    }
    if (cost == 0 || !shared) {
      rt.sessions().touch(s);
      return Future.succeededFuture();
    }
    return rt.sessions().chargeAndTouch(s, rt.sessionLimiter(), cfg.maxRequestsPerMinute(), cost)
        .compose(d -> decide(ctx, d, cost));
  }

  /**
   * The read took one unit (and marked the session active when it fit); the request costs {@code cost}. A
   * notification gives the unit back; a batch takes the rest, all or nothing, so one that does not fit gives
   * back the first unit too.
   */
  private Future<Void> settle(RoutingContext ctx, SessionState s, RateLimiter.Decision read, int cost) {
    if (cost == 1 || (cost > 1 && !read.allowed())) {
      return decide(ctx, read, cost);
    }
    if (cost == 0) {
      if (read.allowed()) {
        // awaited: the client's next request must find the unit back
        return rt.sessions().refund(s.id(), 1).otherwise(err -> null);
      }
      rt.sessions().touch(s);
      return Future.succeededFuture();
    }
    return rt.sessions().chargeAndTouch(s, rt.sessionLimiter(), cfg.maxRequestsPerMinute(), cost - 1).compose(d -> {
      if (d.allowed()) {
        return decide(ctx, d, cost);
      }
      return rt.sessions().refund(s.id(), 1).otherwise(err -> null).compose(v -> decide(ctx,
          new RateLimiter.Decision(false, d.limit(), Math.min(d.limit(), d.remaining() + 1), d.resetSeconds()), cost));
    });
  }

  /**
   * A stateless (2026-07-28) request has no session window: on a shared gateway one request is charged to
   * its caller's instead, the GitLab user when tokens are per user, else the client's address.
   */
  Future<Void> chargeCaller(RoutingContext ctx, Principal principal) {
    return charge(ctx, principal.perUser() ? "u:" + principal.instance() + ":" + principal.subject()
        : "a:" + rt.clientAddress().of(ctx.request()), 1);
  }

  /** Takes cost units of a window (a session's, a caller's) on a shared gateway; 429 when they do not fit. */
  private Future<Void> charge(RoutingContext ctx, String key, int cost) {
    if (cost == 0 || !shared) {
      return Future.succeededFuture();
    }
    return rt.sessionLimiter().acquire(key, cfg.maxRequestsPerMinute(), cost).compose(d -> decide(ctx, d, cost));
  }

  /** The RateLimit-* headers, and 429 when the cost did not fit. */
  private Future<Void> decide(RoutingContext ctx, RateLimiter.Decision d, int cost) {
    rateLimitHeaders(ctx, d);
    if (d.allowed()) {
      return Future.succeededFuture();
    }
    rt.metrics().rejectedByRateLimit();
    return Future.failedFuture(HttpProblem.plain(429, "Rate limit exceeded", "Maximum " + d.limit()
        + " requests per minute allowed" + (cost > 1 ? " (this batch holds " + cost + " requests)" : ""))
        .header("Retry-After", Long.toString(d.resetSeconds())));
  }

  private static void rateLimitHeaders(RoutingContext ctx, RateLimiter.Decision d) {
    ctx.response().putHeader("RateLimit-Limit", Integer.toString(d.limit()))
        .putHeader("RateLimit-Remaining", Integer.toString(d.remaining()))
        .putHeader("RateLimit-Reset", Long.toString(d.resetSeconds()));
  }

  /** The session store (Redis) did not answer: the client should retry shortly, nothing is lost. */
  static HttpProblem storeUnavailable(Throwable err) {
    LOG.warn("session_store_unavailable error={}", err.getClass().getSimpleName());
    return HttpProblem.plain(503, "Service Unavailable", "The session store cannot be reached right now; "
        + "retry in a few seconds.").header("Retry-After", "5");
  }

  static HttpProblem removedInstance(String instance) {
    return HttpProblem.rpc(404, JsonRpc.SERVER_ERROR, "Not Found: GitLab instance '" + HttpText.clip(instance)
        + "' was removed from this gateway's configuration; start a new session with initialize");
  }
}
