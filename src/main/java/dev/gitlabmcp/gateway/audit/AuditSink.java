package dev.gitlabmcp.gateway.audit;

import io.vertx.core.Future;

/**
 * Where audit records go. {@link #record} is called on the request path once per {@code tools/call}: it must
 * never block, never throw, and never make the call wait or fail (a sink that cannot keep up drops and counts).
 */
public interface AuditSink {

  /** Takes one record; returns at once. */
  void record(AuditRecord record);

  /** Writes what is still queued, as far as it can in a short time; the sink takes nothing afterwards. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** Records nothing (tests, tools that run no calls). */
  AuditSink NONE = record -> { };
}
