package dev.gitlabmcp.gateway.http;

import dev.gitlabmcp.gateway.state.StoreUnavailable;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes answers: JSON bodies, refusals, and the one failure path every request chain ends in. A
 * response that is already ended or whose client went away is left alone.
 */
public final class Replies {

  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

  /** A store the request needs (database, Redis) cannot be reached: try again shortly. */
  public static HttpProblem storeUnavailable() {
    return HttpProblem.plain(503, "temporarily_unavailable",
        "A store this request needs cannot be reached right now; retry in a few seconds.").header("Retry-After", "5");
  }

  private Replies() {
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    HttpServerResponse r = ctx.response();
    if (r.ended() || r.closed()) {
      return;
    }
    r.setStatusCode(status).putHeader("Content-Type", "application/json").end(JsonBody.buffer(body));
  }

  public static void problem(RoutingContext ctx, HttpProblem p) {
    HttpServerResponse r = ctx.response();
    if (r.ended() || r.closed() || r.headWritten()) {
      return;
    }
    p.headers().forEach(r::putHeader);
    json(ctx, p.status(), p.body());
  }

  /**
   * The end of every request chain: a refusal is answered as such; anything else is a bug of ours,
   * logged with its class (never a token: messages are not logged) and answered 500 without details.
   */
  public static void fail(RoutingContext ctx, Throwable err) {
    if (err instanceof HttpProblem p) {
      problem(ctx, p);
      return;
    }
    if (err instanceof StoreUnavailable) {
      // A backend outage, not a bug: the client retries; why is logged (it may name an address), not sent.
      LOG.warn("http_store_unavailable path={} reason={}", ctx.request().path(), err.getCause());
      problem(ctx, storeUnavailable());
      return;
    }
    HttpServerResponse r = ctx.response();
    if (r.ended() || r.closed()) {
      return;
    }
    LOG.error("http_internal_error path={} error={}", ctx.request().path(), err.getClass().getName(), err);
    if (r.headWritten()) {
      r.reset();
    } else {
      json(ctx, 500, HttpProblem.rpc(500, -32603, "Internal error").body());
    }
  }
}
