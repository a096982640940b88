package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.core.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * {@link SessionEvents} of one process, over the local event bus: CLOSE and NOTIFY go to the session's
 * address (every stream of it on this process listens there), CANCEL to the in-flight calls of this
 * process. A shared implementation calls {@link #deliver} for each event it receives from other replicas.
 */
public class LocalSessionEvents implements SessionEvents {

  private final Vertx vertx;
  private final InFlightCalls inFlight;

  public LocalSessionEvents(Vertx vertx, InFlightCalls inFlight) {
    this.vertx = vertx;
    this.inFlight = inFlight;
  }

  @Override
  public Future<Void> publish(SessionEvent event) {
    deliver(event);
    return Future.succeededFuture();
  }

  /** Hands an event to this process's streams or running call. */
  protected void deliver(SessionEvent event) {
    if (event.type() == SessionEvent.Type.CANCEL) {
      inFlight.cancel(event.callKey(), false);
    } else {
      vertx.eventBus().publish(Addresses.sessionOut(event.sessionId()), event);
    }
  }

  @Override
  public Subscription subscribe(String sessionId, Handler<SessionEvent> handler) {
    MessageConsumer<SessionEvent> c = vertx.eventBus().localConsumer(Addresses.sessionOut(sessionId),
        msg -> handler.handle(msg.body()));
    return c::unregister;
  }
}
