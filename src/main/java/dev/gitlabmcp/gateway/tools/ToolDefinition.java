package dev.gitlabmcp.gateway.tools;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One tool of the catalog, fully prepared at startup: its tools/list entry is built once and its
 * input validator compiled once.
 *
 * @param paths path templates, most specific first; the first whose placeholders all have values is used
 * @param traits flags from the catalog that decide who may call the tool and how it is retried
 * @param fixed constant request values (query for GET/DELETE, body otherwise), never shown to the model
 * @param fallback a second method to try when GitLab's answer says the first did not apply, or null
 */
public record ToolDefinition(String name, String title, String description, String toolset, String tier,
                             HttpMethod method, List<String> paths, List<ParamSpec> params, ResponseSpec response,
                             Traits traits, JsonObject fixed, Fallback fallback, JsonObject inputSchema,
                             JsonObject descriptor, SchemaValidator validator) {

  /**
   * @param readOnly changes nothing in GitLab
   * @param destructive loses data or stops work (refused in modify mode)
   * @param idempotent repeating it does no more harm than doing it once (safe to retry)
   * @param core part of the default tool set
   * @param projectFree touches nothing that belongs to a project (runs under a project allowlist)
   * @param minVersion the oldest GitLab (major.minor) that has the endpoint, or null when any does
   * @param destructiveIf argument values that make one call destructive although the tool is not
   *     ({"files[].action": [delete, move]}): refused in modify mode
   */
  public record Traits(boolean readOnly, boolean destructive, boolean idempotent, boolean core, boolean projectFree,
                       String minVersion, Map<String, List<String>> destructiveIf) {

    public Traits {
      destructiveIf = destructiveIf == null ? Map.of() : Map.copyOf(destructiveIf);
    }

    public Traits(boolean readOnly, boolean destructive, boolean idempotent, boolean core, boolean projectFree) {
      this(readOnly, destructive, idempotent, core, projectFree, null, Map.of());
    }
  }

  /** Create-or-update: when GitLab answers {@code status} with a message containing {@code contains}, send again as {@code method}. */
  public record Fallback(int status, String contains, HttpMethod method) {
  }

  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    paths = List.copyOf(paths);
    params = List.copyOf(params);
    fixed = fixed == null ? new JsonObject() : fixed;
  }

  public ParamSpec param(String argName) {
    for (ParamSpec p : params) {
      if (p.name().equals(argName)) {
        return p;
      }
    }
    return null;
  }

  public boolean readOnly() {
    return traits.readOnly();
  }

  public boolean destructive() {
    return traits.destructive();
  }

  /** Whether repeating the call does no more harm than making it once (safe to retry). */
  public boolean idempotent() {
    return traits.idempotent();
  }
}
