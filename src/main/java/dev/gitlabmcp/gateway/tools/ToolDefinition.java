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
 * @param graphql the GraphQL operation this tool sends instead of a REST request, or null for REST tools
 */
public record ToolDefinition(String name, String title, String description, String toolset, String tier,
                             HttpMethod method, List<String> paths, List<ParamSpec> params, ResponseSpec response,
                             Traits traits, JsonObject fixed, Fallback fallback, JsonObject inputSchema,
                             JsonObject descriptor, SchemaValidator validator, GraphQl graphql) {

  /**
   * A GraphQL tool: POSTed to /api/graphql with the params as variables.
   *
   * @param document the query or mutation document; null for the raw tool, whose caller gives it (argument query)
   * @param data the dotted path inside {@code data} that is the tool's answer (project.workItems), or "" for all
   */
  public record GraphQl(String document, String data) {

    public GraphQl {
      data = data == null ? "" : data;
    }

    /** The raw escape hatch: the model writes the document, so each call is judged by what it holds. */
    public boolean raw() {
      return document == null;
    }
  }

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

  /** A REST tool. */
  public ToolDefinition(String name, String title, String description, String toolset, String tier, HttpMethod method,
                        List<String> paths, List<ParamSpec> params, ResponseSpec response, Traits traits,
                        JsonObject fixed, Fallback fallback, JsonObject inputSchema, JsonObject descriptor,
                        SchemaValidator validator) {
    this(name, title, description, toolset, tier, method, paths, params, response, traits, fixed, fallback,
        inputSchema, descriptor, validator, null);
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

  /**
   * Whether this call changes nothing. Equal to {@link #readOnly()} except for the raw GraphQL tool, which is
   * listed as read-only but whose call is a write when its document holds a mutation or subscription (or
   * cannot be read: fail closed).
   */
  public boolean readOnly(JsonObject args) {
    if (graphql == null || !graphql.raw()) {
      return readOnly();
    }
    return GraphQlDocument.operations(args == null ? null : args.getValue("query")) == GraphQlDocument.Kind.QUERY;
  }

  /** Whether this call loses data: for the raw GraphQL tool, a write whose document names a deleting field. */
  public boolean destructive(JsonObject args) {
    if (graphql == null || !graphql.raw()) {
      return destructive();
    }
    return !readOnly(args) && GraphQlDocument.mayDelete(String.valueOf(args.getValue("query")));
  }

  /** Whether repeating the call does no more harm than making it once (safe to retry). */
  public boolean idempotent() {
    return traits.idempotent();
  }
}
