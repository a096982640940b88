package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.crypto.ThreadRandom;
import dev.gitlabmcp.gateway.core.Addresses;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.http.HttpProblem;
import dev.gitlabmcp.gateway.http.Replies;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /mcp opens a session's server-to-client event stream; DELETE /mcp ends the session. Events for a
 * session reach its streams through {@link SessionEvents}, whichever replica raised them. A stream also
 * ends when its session is found gone at a heartbeat (expired in a shared store, or deleted elsewhere).
 */
final class StreamHandler {

  private static final Logger LOG = LoggerFactory.getLogger(StreamHandler.class);
  static final int RECONNECT_AFTER_DRAIN_MS = 500;

  private final Vertx vertx;
  private final McpRuntime rt;
  private final RequestGate gate;

  StreamHandler(Vertx vertx, McpRuntime rt, RequestGate gate) {
    this.vertx = vertx;
    this.rt = rt;
    this.gate = gate;
  }

  void get(RoutingContext ctx) {
    if (!HttpText.accepts(ctx.request().getHeader("Accept"), "text/event-stream")) {
      Replies.problem(ctx, HttpProblem.rpc(406, JsonRpc.SERVER_ERROR,
          "Not Acceptable: GET /mcp opens an event stream; Accept must include text/event-stream"));
      return;
    }
    enter(ctx, 1).onSuccess(s -> open(ctx, s)).onFailure(err -> Replies.fail(ctx, err));
  }

  void delete(RoutingContext ctx) {
    enter(ctx, 0)
        .compose(s -> rt.sessions().remove(s.id()).compose(removed -> rt.events().publish(SessionEvent.close(s.id())))
            .map(v -> {
              LOG.info("session_deleted session={}", s.shortId());
              rt.metrics().sessionDeleted();
              ctx.response().setStatusCode(204).end();
              return null;
            }))
        .onFailure(err -> Replies.fail(ctx, err));
  }

  private Future<SessionState> enter(RoutingContext ctx, int cost) {
    return gate.lookup(ctx).compose(s -> gate.authenticate(ctx, s).compose((Principal p) -> gate.session(ctx, s, p,
        cost)));
  }

  private void open(RoutingContext ctx, SessionState s) {
    HttpServerResponse resp = ctx.response();
    SseStream stream = new SseStream(resp, s.shortId() + "g" + Long.toHexString(ThreadRandom.nextInt() & 0xffffL)).start();
    SessionEvents.Subscription sub = rt.events().subscribe(s.id(), event -> {
      if (event.type() == SessionEvent.Type.NOTIFY) {
        stream.event(event.notification());
      } else if (event.type() == SessionEvent.Type.CLOSE) {
        stream.end();
      }
    });
    // The instances changed (reload, version or edition learned): what the session may list can have changed too.
    Context here = vertx.getOrCreateContext();
    Runnable instances = rt.instances().onChange(() -> here.runOnContext(v ->
        stream.event(JsonRpc.notification("notifications/tools/list_changed", new JsonObject()))));
    long heartbeat = vertx.setPeriodic(rt.config().sseHeartbeatSeconds() * 1000L, t -> beat(s.id(), stream));
    // Stopping: the client reconnects soon, and the balancer sends it to another replica.
    var drain = vertx.eventBus().localConsumer(Addresses.DRAIN, m -> {
      stream.retry(RECONNECT_AFTER_DRAIN_MS);
      stream.end();
    });
    Runnable cleanup = () -> {
      drain.unregister();
      sub.unregister();
      instances.run();
      vertx.cancelTimer(heartbeat);
    };
    resp.closeHandler(v -> cleanup.run());
    resp.endHandler(v -> cleanup.run());
  }

  /** Keeps proxies from timing the stream out, and ends it once its session is gone. */
  private void beat(String sessionId, SseStream stream) {
    stream.comment("keep-alive");
    rt.sessions().get(sessionId).onSuccess(s -> {
      if (s == null) {
        stream.end();
      }
    });
  }
}
