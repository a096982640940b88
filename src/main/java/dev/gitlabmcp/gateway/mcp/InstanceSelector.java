package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.http.HttpProblem;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/**
 * The instance a request names explicitly: the path (/mcp/corp), X-GitLab-Instance, or
 * X-GitLab-API-URL matching a configured instance's URL. A URL the client supplies is never followed:
 * it may only point at an instance the operator configured.
 */
final class InstanceSelector {

  static final String INSTANCE_HEADER = "X-GitLab-Instance";
  /** The header other GitLab MCP servers use to pick a GitLab URL per request; here it may only name a configured one. */
  static final String API_URL_HEADER = "X-GitLab-API-URL";

  private final InstanceDirectory instances;

  InstanceSelector(InstanceDirectory instances) {
    this.instances = instances;
  }

  /** The named instance, null when the request names none; throws the refusal when it names no configured one. */
  String explicit(RoutingContext ctx) {
    String chosen = fromPath(ctx.pathParam("instance"));
    chosen = agree(chosen, fromHeader(ctx.request().getHeader(INSTANCE_HEADER)),
        "the path and " + INSTANCE_HEADER + " name different GitLab instances");
    return agree(chosen, fromUrl(ctx.request().getHeader(API_URL_HEADER)),
        API_URL_HEADER + " and the path or " + INSTANCE_HEADER + " name different GitLab instances");
  }

  private String fromPath(String name) {
    if (name != null && instances.get(name) == null) {
      throw HttpProblem.rpc(404, JsonRpc.SERVER_ERROR, "Not Found: this gateway has no GitLab instance '"
          + HttpText.clip(name) + "'; configured: " + names() + " (use /mcp/<name>, or /mcp for the default)");
    }
    return name;
  }

  private String fromHeader(String header) {
    if (header == null) {
      return null;
    }
    if (instances.get(header.trim()) == null) {
      throw HttpProblem.rpc(403, JsonRpc.SERVER_ERROR, "Forbidden: " + INSTANCE_HEADER
          + " names no configured GitLab instance; configured: " + names());
    }
    return header.trim();
  }

  private String fromUrl(String header) {
    if (header == null) {
      return null;
    }
    URI wanted = GitLabConfig.normalizeUrl(header);
    for (GitLabConfig c : instances.all()) {
      if (wanted != null && c.baseUrl().toString().equalsIgnoreCase(wanted.toString())) {
        return c.name();
      }
    }
    throw HttpProblem.rpc(403, JsonRpc.SERVER_ERROR, "Forbidden: this gateway only talks to the GitLab instances its "
        + "operator configured, and " + API_URL_HEADER + " matches none of them; configured: " + names());
  }

  private static String agree(String a, String b, String conflict) {
    if (a != null && b != null && !a.equals(b)) {
      throw HttpProblem.rpc(400, JsonRpc.SERVER_ERROR, "Bad Request: " + conflict);
    }
    return a != null ? a : b;
  }

  String names() {
    return String.join(", ", instances.all().stream().map(GitLabConfig::name).toList());
  }
}
