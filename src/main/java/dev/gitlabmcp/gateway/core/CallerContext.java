package dev.gitlabmcp.gateway.core;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Hands a future shared by callers on several event loops to each caller on its own context. A
 * shared future completes wherever its work ended (the event loop of whoever started it), so a
 * joiner's continuation would otherwise run on another verticle's loop, next to that verticle's state.
 */
public final class CallerContext {

  private CallerContext() {
  }

  /**
   * The calling context's own view of {@code shared}: its callbacks run on the context that called
   * this method. Off any context (a test thread, a blocking caller) or once complete, {@code shared} itself.
   */
  public static <T> Future<T> follow(Future<T> shared) {
    Context caller = Vertx.currentContext();
    if (caller == null || shared.isComplete()) {
      return shared;
    }
    Promise<T> own = Promise.promise();
    shared.onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        own.handle(ar);
      } else {
        caller.runOnContext(v -> own.handle(ar));
      }
    });
    return own.future();
  }
}
