package dev.gitlabmcp.gateway.tools;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Builds MCP CallToolResult objects. */
public final class ToolResults {

  private ToolResults() {
  }

  public static JsonObject text(String text) {
    return new JsonObject().put("content", new JsonArray().add(content(text))).put("isError", false);
  }

  /** A result with the JSON also as structuredContent, for tools that declare an outputSchema. */
  public static JsonObject structured(String text, JsonObject structured) {
    return text(text).put("structuredContent", structured);
  }

  public static JsonObject error(String text) {
    return new JsonObject().put("content", new JsonArray().add(content(text))).put("isError", true);
  }

  private static JsonObject content(String text) {
    return new JsonObject().put("type", "text").put("text", text);
  }
}
