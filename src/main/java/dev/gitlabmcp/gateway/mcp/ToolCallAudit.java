package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.audit.AuditRecord;
import dev.gitlabmcp.gateway.audit.AuditRecord.Outcome;
import dev.gitlabmcp.gateway.audit.AuditSink;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import dev.gitlabmcp.gateway.tools.ToolExecutor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Turns a finished {@code tools/call} into its {@link AuditRecord}: the caller from the context's principal, the
 * project from the {@code project_id} argument only, the outcome from what the model was answered. Costs a record
 * and a sink call; reads no other argument and copies no JSON.
 */
final class ToolCallAudit {

  private ToolCallAudit() {
  }

  /** A catalog tool's call: {@code o} is null when the call failed inside the gateway. */
  static void catalog(AuditSink sink, CallContext ctx, Object id, String tool, JsonObject args,
                      ToolExecutor.Outcome o, boolean cancelled, long startedNanos) {
    Outcome outcome;
    String reason;
    int status = o == null ? 0 : o.gitlabStatus();
    if (cancelled || o == null) {
      outcome = Outcome.ERROR;
      reason = cancelled ? "cancelled" : "internal";
    } else if (o.refused()) {
      outcome = Outcome.REFUSED;
      reason = o.reason();
    } else {
      outcome = Boolean.TRUE.equals(o.result().getValue("isError")) ? Outcome.ERROR : Outcome.OK;
      reason = o.reason();
    }
    sink.record(record(ctx, id, tool, project(args), outcome, reason, status, startedNanos));
  }

  /**
   * A call answered by the gateway itself (discover_tools, instance tools, the compact meta-tools, an unknown
   * name): recorded once its answer is there. A JSON-RPC error is an unknown tool; an isError result, arguments.
   */
  static Future<JsonObject> gateway(AuditSink sink, CallContext ctx, Object id, String tool,
                                    Future<JsonObject> answer) {
    long started = System.nanoTime();
    return answer.andThen(ar -> {
      JsonObject reply = ar.succeeded() ? ar.result() : null;
      Outcome outcome;
      String reason;
      if (reply == null) {
        outcome = Outcome.ERROR;
        reason = "internal";
      } else if (reply.containsKey("error")) {
        outcome = Outcome.REFUSED;
        reason = "unknown_tool";
      } else {
        JsonObject result = reply.getJsonObject("result");
        boolean isError = result != null && Boolean.TRUE.equals(result.getValue("isError"));
        outcome = isError ? Outcome.REFUSED : Outcome.OK;
        reason = isError ? "arguments" : "";
      }
      sink.record(record(ctx, id, tool, "", outcome, reason, 0, started));
    });
  }

  private static AuditRecord record(CallContext ctx, Object id, String tool, String project, Outcome outcome,
                                    String reason, int status, long startedNanos) {
    long durationMs = (System.nanoTime() - startedNanos) / 1_000_000;
    Principal p = ctx.principal();
    return new AuditRecord(System.currentTimeMillis() - durationMs, p.subject(), p.username(), p.instance(),
        p.clientId(), tool, project, outcome, reason, status, durationMs, id == null ? "" : String.valueOf(id),
        ctx.shortId());
  }

  /** The project_id argument as given (a number or a path), never any other argument. */
  private static String project(JsonObject args) {
    Object p = args == null ? null : args.getValue("project_id");
    return p instanceof String || p instanceof Number ? String.valueOf(p) : "";
  }

  /** The metric's outcome of a call: what the model saw, in a fixed set of labels. */
  static GatewayMetrics.ToolOutcome outcome(ToolExecutor.Outcome o, boolean cancelled) {
    if (cancelled) {
      return GatewayMetrics.ToolOutcome.CANCELLED;
    }
    if (o == null) {
      return GatewayMetrics.ToolOutcome.INTERNAL;
    }
    if (!Boolean.TRUE.equals(o.result().getBoolean("isError"))) {
      return GatewayMetrics.ToolOutcome.OK;
    }
    if (o.gitlabStatus() == 429 || o.gitlabStatus() == 503) {
      return GatewayMetrics.ToolOutcome.BUSY;
    }
    return o.gitlabStatus() >= 400 ? GatewayMetrics.ToolOutcome.GITLAB_ERROR : GatewayMetrics.ToolOutcome.REFUSED;
  }
}
