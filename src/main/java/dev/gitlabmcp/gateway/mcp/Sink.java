package dev.gitlabmcp.gateway.mcp;

import io.vertx.core.json.JsonObject;

/** Where a request sends notifications before its response (HTTP switches to an SSE stream). */
@FunctionalInterface
public interface Sink {

  Sink NONE = n -> { };

  void send(JsonObject notification);
}
