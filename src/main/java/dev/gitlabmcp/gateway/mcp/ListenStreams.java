package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.core.Addresses;
import dev.gitlabmcp.gateway.http.HttpProblem;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code subscriptions/listen} (2026-07-28): a long-lived SSE answer that first acknowledges the filter it
 * honours, then carries the list changes the client opted in to, each tagged with the subscription id
 * (the listen request's id). The gateway's tool list changes when its instances change (a reload of the
 * instances file, or a GitLab version or edition learned), so that is what {@code toolsListChanged}
 * reports; prompts are fixed, so {@code promptsListChanged} is never honoured, and there are no resources.
 * <p>
 * A stream ends when the client closes it, when the replica stops (with the graceful empty result), or
 * after the session timeout, so a client re-listens, and so re-authenticates, at least that often. Each
 * event loop holds a bounded number of streams: their share of {@code MAX_SESSIONS}.
 */
final class ListenStreams {

  private static final Logger LOG = LoggerFactory.getLogger(ListenStreams.class);
  static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";
  static final String TOOLS = "toolsListChanged";

  private final Vertx vertx;
  private final McpRuntime rt;
  private final int max;
  private int open;

  ListenStreams(Vertx vertx, McpRuntime rt) {
    this.vertx = vertx;
    this.rt = rt;
    this.max = Math.max(1, rt.config().maxSessions() / rt.config().effectiveHttpVerticles());
  }

  /** The filter's part this server honours; 400 -32602 when the request has no filter object. */
  static JsonObject honoured(Object id, JsonObject params) {
    if (!(params.getValue("notifications") instanceof JsonObject filter)) {
      throw HttpProblem.rpc(400, JsonRpc.error(id, JsonRpc.INVALID_PARAMS,
          "Invalid params: subscriptions/listen needs \"notifications\", an object such as {\"" + TOOLS + "\": true}"));
    }
    JsonObject out = new JsonObject();
    if (Boolean.TRUE.equals(filter.getValue(TOOLS))) {
      out.put(TOOLS, true);
    }
    return out;
  }

  /** Opens the stream on this event loop; call after the request was authenticated and charged. */
  void open(RoutingContext ctx, Object id, JsonObject honoured) {
    if (open >= max) {
      throw HttpProblem.rpc(503, JsonRpc.error(id, JsonRpc.SERVER_ERROR, "Service Unavailable: this gateway "
          + "replica holds its maximum of " + max + " subscription streams per event loop; retry shortly"))
          .header("Retry-After", "5");
    }
    open++;
    SseStream stream = new SseStream(ctx.response(), null).start();
    stream.event(JsonRpc.notification("notifications/subscriptions/acknowledged",
        new JsonObject().put("_meta", tag(id)).put("notifications", honoured)));
    Context here = vertx.getOrCreateContext();
    Runnable stopListening = honoured.containsKey(TOOLS) ? rt.instances().onChange(() -> here.runOnContext(v ->
        stream.event(JsonRpc.notification("notifications/tools/list_changed", new JsonObject().put("_meta", tag(id))))))
        : () -> { };
    long heartbeat = vertx.setPeriodic(rt.config().sseHeartbeatSeconds() * 1000L, t -> stream.comment("keep-alive"));
    long lifetime = vertx.setTimer(rt.config().sessionTimeoutSeconds() * 1000L, t -> endGracefully(stream, id));
    var drain = vertx.eventBus().localConsumer(Addresses.DRAIN, m -> endGracefully(stream, id));
    boolean[] cleaned = new boolean[1];
    Runnable cleanup = () -> {
      if (!cleaned[0]) {
        cleaned[0] = true;
        open--;
        stopListening.run();
        drain.unregister();
        vertx.cancelTimer(heartbeat);
        vertx.cancelTimer(lifetime);
      }
    };
    ctx.response().closeHandler(v -> cleanup.run());
    ctx.response().endHandler(v -> cleanup.run());
    LOG.debug("listen_opened filter={}", honoured.fieldNames());
  }

  /** The server ends the subscription: the empty result tells the client it was deliberate. */
  private static void endGracefully(SseStream stream, Object id) {
    stream.event(JsonRpc.result(id, new JsonObject().put("resultType", "complete").put("_meta", tag(id))));
    stream.end();
  }

  private static JsonObject tag(Object id) {
    return new JsonObject().put(SUBSCRIPTION_ID, id);
  }
}
