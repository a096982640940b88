package dev.gitlabmcp.gateway.tools;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Validator;
import java.util.List;
import java.util.Objects;

/**
 * One tool of the catalog, fully prepared at startup: its tools/list entry is built once and its
 * input validator compiled once.
 *
 * @param paths path templates, most specific first; the first whose placeholders all have values is used
 */
public record ToolDefinition(String name, String title, String description, String toolset, String tier,
                             HttpMethod method, List<String> paths, List<ParamSpec> params, ResponseSpec response,
                             boolean readOnly, boolean destructive, JsonObject inputSchema, JsonObject descriptor,
                             Validator validator) {

  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    paths = List.copyOf(paths);
    params = List.copyOf(params);
  }

  public ParamSpec param(String argName) {
    for (ParamSpec p : params) {
      if (p.name().equals(argName)) {
        return p;
      }
    }
    return null;
  }

  /** Whether repeating the call does no more harm than making it once (safe to retry). */
  public boolean idempotent() {
    return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.PUT
        || method == HttpMethod.DELETE;
  }
}
