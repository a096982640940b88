package dev.gitlabmcp.gateway.tools;

import dev.gitlabmcp.gateway.gitlab.GitLabReply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GitLab's GraphQL API answers 200 even when it refuses: the errors are inside the body, and a mutation's
 * payload carries its own {@code errors}. A GraphQL tool's answer becomes the data at its path (shaped like any
 * JSON answer), or an error the model can act on.
 */
final class GraphQlReplies {

  private static final int MAX_MESSAGES = 5;
  private static final int MAX_MESSAGE_CHARS = 300;

  /** The reply to shape, or the error to show instead ({@code error} non-null). */
  record Unwrapped(GitLabReply reply, String error) {
  }

  private GraphQlReplies() {
  }

  static Unwrapped unwrap(ToolDefinition tool, GitLabReply reply) {
    if (tool.graphql() == null || !reply.ok()) {
      return new Unwrapped(reply, null); // REST, or an HTTP failure the shaper explains
    }
    JsonObject body;
    try {
      body = new JsonObject(reply.body());
    } catch (RuntimeException e) {
      return new Unwrapped(reply, null); // not JSON: the shaper says so
    }
    Object data = body.getValue("data");
    for (String segment : tool.graphql().data().split("\\.")) {
      if (!segment.isEmpty()) {
        data = data instanceof JsonObject o ? o.getValue(segment)
            : data instanceof JsonArray a && segment.matches("\\d{1,3}") && Integer.parseInt(segment) < a.size()
            ? a.getValue(Integer.parseInt(segment)) : null; // nodes.0: the one item a by-iid query finds
      }
    }
    List<String> messages = new ArrayList<>();
    collect(body.getValue("errors"), messages);
    if (data instanceof JsonObject payload) {
      collect(payload.getValue("errors"), messages); // a mutation's own refusal (validation, permissions)
    }
    if (!messages.isEmpty()) {
      return new Unwrapped(null, "GitLab's GraphQL API refused " + tool.name() + ": " + String.join("; ", messages)
          + ".");
    }
    if (!(data instanceof JsonObject) && !(data instanceof JsonArray)) {
      return new Unwrapped(null, "GitLab found nothing for " + tool.name() + ": the project, group or item does not "
          + "exist or this token cannot see it. GraphQL tools need the full path (group/project), not a numeric id.");
    }
    Buffer json = data instanceof JsonObject o ? o.toBuffer() : ((JsonArray) data).toBuffer();
    return new Unwrapped(new GitLabReply(reply.status(), Map.of(), json, null, null, reply.attempts(),
        reply.elapsedMs()), null);
  }

  private static void collect(Object errors, List<String> out) {
    if (!(errors instanceof JsonArray list)) {
      return;
    }
    for (Object e : list) {
      if (out.size() == MAX_MESSAGES) {
        return;
      }
      String m = e instanceof JsonObject o ? String.valueOf(o.getValue("message")) : String.valueOf(e);
      out.add(m.length() > MAX_MESSAGE_CHARS ? m.substring(0, MAX_MESSAGE_CHARS) + "..." : m);
    }
  }
}
