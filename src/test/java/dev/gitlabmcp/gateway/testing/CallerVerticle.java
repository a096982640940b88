package dev.gitlabmcp.gateway.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Stands for one HTTP verticle: a context on its own event loop that makes calls and records where
 * each call's continuation ran.
 */
public final class CallerVerticle extends VerticleBase {

  /** What a call answered, and the context and thread its continuation ran on. */
  public record Continuation<T>(T result, Context context, Thread thread) {
  }

  public Context context() {
    return context;
  }

  /** The event loop thread of this verticle. */
  public Future<Thread> thread() {
    Promise<Thread> t = Promise.promise();
    context.runOnContext(v -> t.complete(Thread.currentThread()));
    return t.future();
  }

  /** Makes the call on this verticle's context. */
  public <T> Future<Continuation<T>> call(Supplier<Future<T>> call) {
    Promise<Continuation<T>> ran = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(ar ->
        ran.complete(new Continuation<>(ar.result(), Vertx.currentContext(), Thread.currentThread()))));
    return ran.future();
  }
}
