package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.http.HttpProblem;
import dev.gitlabmcp.gateway.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /mcp: client-to-server messages. Authenticates, parses, then starts a session (initialize) or
 * dispatches to {@link McpServer} within the caller's session, answering JSON or, when notifications
 * precede the result, an SSE stream.
 */
final class PostHandler {

  private static final Logger LOG = LoggerFactory.getLogger(PostHandler.class);
  /** Most JSON values (objects, arrays, scalars) one request body may hold; see {@link #withinValueBudget}. */
  static final int MAX_JSON_VALUES = 10_000;
  /** Most messages one 2025-03-26 batch may hold: each is charged to the session's window. */
  static final int MAX_BATCH = 50;
  /** Bodies up to this size (a tool call is a few hundred bytes) are parsed before the caller is checked. */
  static final int PARSE_EARLY_MAX = 16 * 1024;

  private final McpRuntime rt;
  private final GatewayConfig cfg;
  private final RequestGate gate;
  private final StatelessToolsets urlToolsets;

  PostHandler(McpRuntime rt, RequestGate gate) {
    this.rt = rt;
    this.cfg = rt.config();
    this.gate = gate;
    this.urlToolsets = new StatelessToolsets(rt.server());
  }

  void handle(RoutingContext ctx) {
    Future<SessionState> reading = gate.lookup(ctx); // mostly started with the headers (RequestGate.lookupEarly)
    // A small body is parsed while the session read is in flight; a larger one only for a caller who passed the
    // checks. Either way a parse error is answered after them, as before.
    Buffer raw = ctx.body().buffer();
    Future<Object> early = raw != null && raw.length() <= PARSE_EARLY_MAX ? parseNow(raw) : null;
    reading
        .compose(session -> gate.authenticate(ctx, session).compose(principal -> whenParsed(ctx, session, principal,
            early)))
        .onFailure(err -> gate.release(ctx).onComplete(v -> Replies.fail(ctx, err)));
  }

  private static Future<Object> parseNow(Buffer raw) {
    try {
      return Future.succeededFuture(parse(raw));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Void> whenParsed(RoutingContext ctx, SessionState session, Principal principal,
                                  Future<Object> early) {
    return (early != null ? early : parseNow(ctx.body().buffer())).compose(msg -> dispatch(ctx, session, principal, msg));
  }

  private Future<Void> dispatch(RoutingContext ctx, SessionState session, Principal principal, Object msg) {
    if (msg instanceof JsonObject o && "initialize".equals(o.getValue("method"))) {
      return initialize(ctx, o, principal);
    }
    if (ctx.request().getHeader(McpHttpVerticle.SESSION_HEADER) == null) {
      JsonObject bad = msg instanceof JsonArray ? JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
          "Invalid Request: batches are not accepted here (and initialize must be sent alone)")
          : McpServer.envelopeError(msg);
      if (bad != null) {
        return Future.failedFuture(HttpProblem.rpc(400, bad));
      }
    }
    if (msg instanceof JsonArray batch) {
      checkBatch(session, batch);
      return gate.session(ctx, session, principal, requests(batch))
          .compose(s -> batch(ctx, CallContext.of(s, principal, rt.sessions(), RequestGate.explicitInstance(ctx) != null), batch));
    }
    JsonObject bad = McpServer.envelopeError(msg);
    JsonObject m = bad == null ? (JsonObject) msg : null;
    int cost = m != null && m.containsKey("id") && m.containsKey("method") ? 1 : 0;
    return gate.session(ctx, session, principal, cost).compose(s -> {
      if (bad != null) {
        return Future.failedFuture(HttpProblem.rpc(400, bad));
      }
      return single(ctx, CallContext.of(s, principal, rt.sessions(), RequestGate.explicitInstance(ctx) != null), m);
    });
  }

  /** The body as a JSON value; a parse problem is a 400 with the JSON-RPC parse error. */
  static Object parse(Buffer raw) {
    if (raw == null || raw.length() == 0) {
      throw HttpProblem.rpc(400, JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: the body is empty"));
    }
    Object msg;
    try {
      msg = Json.decodeValue(raw); // a body of JSON null decodes to null: valid JSON, not a message
    } catch (DecodeException e) {
      throw HttpProblem.rpc(400, JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: the body is not valid JSON"));
    }
    if (!withinValueBudget(msg, new int[] {MAX_JSON_VALUES})) {
      throw HttpProblem.rpc(400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: the message holds "
          + "more than " + MAX_JSON_VALUES + " JSON values"));
    }
    return msg;
  }

  private Future<Void> initialize(RoutingContext ctx, JsonObject request, Principal principal) {
    JsonObject bad = McpServer.envelopeError(request);
    if (bad != null || !request.containsKey("id")) {
      return Future.failedFuture(HttpProblem.rpc(400, bad != null ? bad
          : JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: initialize must be a request with an id")));
    }
    JsonObject response = rt.server().initialize(request);
    if (JsonRpc.isError(response)) {
      Replies.json(ctx, 200, response);
      return Future.succeededFuture();
    }
    String version = response.getJsonObject("result").getString("protocolVersion");
    // The URL's ?toolsets= start the session's enabled toolsets, as they are listed in the stateless era.
    SessionState session = SessionState.create(McpHttpVerticle.newSessionId(), version, McpServer.clientName(request),
        principal.perUser() ? principal.subject() : null, principal.instance(), System.currentTimeMillis())
        .withToolsets(urlToolsets.selected(ctx, request.getValue("id")));
    return rt.sessions().create(session, cfg.maxSessions(), cfg.maxSessionsPerUser())
        .recover(err -> Future.failedFuture(err instanceof SessionStore.Full full ? full(full)
            : RequestGate.storeUnavailable(err)))
        .map(created -> {
          LOG.info("session_created instance={} session={} client=\"{}\" protocol={} subject={}", principal.instance(),
              created.shortId(), created.clientName(), version, principal.subject());
          rt.metrics().sessionCreated();
          ctx.response().putHeader(McpHttpVerticle.SESSION_HEADER, created.id());
          Replies.json(ctx, 200, response);
          return null;
        });
  }

  private HttpProblem full(SessionStore.Full full) {
    rt.metrics().rejectedByCapacity();
    if (full.perOwner()) {
      return HttpProblem.plain(429, "Too many sessions", "You hold " + full.limit() + " sessions on this gateway "
          + "already (MAX_SESSIONS_PER_USER). End one (DELETE /mcp) or let an idle one expire.")
          .header("Retry-After", "60");
    }
    return HttpProblem.plain(503, "Server capacity reached", "Maximum " + cfg.maxSessions()
        + " concurrent sessions allowed. Please try again later.").header("Retry-After", "30");
  }

  private Future<Void> single(RoutingContext ctx, CallContext call, JsonObject m) {
    if (!m.containsKey("id") || !m.containsKey("method")) {
      return rt.server().handle(call, m, Sink.NONE).map(r -> {
        ctx.response().setStatusCode(202).end();
        return null;
      });
    }
    HttpServerResponse resp = ctx.response();
    SseStream[] sse = new SseStream[1];
    Sink sink = notification -> {
      if (sse[0] == null) {
        sse[0] = new SseStream(resp, call.shortId()).start();
      }
      sse[0].event(notification);
    };
    Object requestId = m.getValue("id");
    // The client went away: stop the GitLab call it was waiting for, if repeating it is harmless.
    resp.closeHandler(v -> rt.server().disconnected(call, requestId));
    return rt.server().handle(call, m, sink)
        .otherwise(err -> {
          if (err instanceof HttpProblem p && sse[0] == null) {
            throw p; // a refusal with its own status (403 insufficient_scope, 401 sign in again)
          }
          LOG.error("mcp_handler_failed session={} error={}", call.shortId(), err.getClass().getName(), err);
          return JsonRpc.error(requestId, JsonRpc.INTERNAL_ERROR, "Internal error");
        })
        .map(response -> {
          if (sse[0] != null) {
            sse[0].event(response);
            sse[0].end();
          } else {
            Replies.json(ctx, 200, response);
          }
          return null;
        });
  }

  private static void checkBatch(SessionState session, JsonArray batch) {
    if (session != null && !ProtocolVersions.allowsBatches(session.protocolVersion())) {
      throw HttpProblem.rpc(400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
          "Invalid Request: JSON-RPC batches are only accepted in " + ProtocolVersions.V2025_03_26 + " sessions"));
    }
    if (batch.isEmpty()) {
      // JSON-RPC 2.0: an empty array is answered with one error object, not an array.
      throw HttpProblem.rpc(400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: empty batch"));
    }
    if (batch.size() > MAX_BATCH) {
      throw HttpProblem.rpc(400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: a batch holds at "
          + "most " + MAX_BATCH + " messages; this one holds " + batch.size() + ". Send them in smaller batches."));
    }
  }

  /** The requests (not notifications or responses) of a batch: each is charged to the session's window. */
  private static int requests(JsonArray batch) {
    int n = 0;
    for (Object item : batch) {
      if (item instanceof JsonObject o && o.containsKey("id") && o.containsKey("method")) {
        n++;
      }
    }
    return n;
  }

  private Future<Void> batch(RoutingContext ctx, CallContext call, JsonArray batch) {
    return rt.server().handleBatch(call, batch).map(out -> {
      if (out == null) {
        ctx.response().setStatusCode(202).end();
      } else {
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(out.toBuffer());
      }
      return null;
    });
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
}
