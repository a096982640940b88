package dev.gitlabmcp.gateway.tools;

import dev.gitlabmcp.gateway.config.ToolsConfig;
import io.vertx.core.json.JsonObject;

/**
 * GITLAB_PROJECT_ID, or the only entry of GITLAB_ALLOWED_PROJECT_IDS: the project_id a call gets when it
 * names none. Only where a project is needed (the tool requires project_id, or an allowlist would refuse
 * the call without one), so a tool whose project is an optional filter keeps its wider meaning.
 *
 * @param project the default project (empty: none)
 * @param allowlist whether a project allowlist is in force
 */
public record ProjectDefault(String project, boolean allowlist) {

  public static final ProjectDefault NONE = new ProjectDefault("", false);

  public ProjectDefault {
    project = project == null ? "" : project.trim();
  }

  public static ProjectDefault of(ToolsConfig tools) {
    return new ProjectDefault(tools.effectiveDefaultProject(), !tools.allowedProjects().isEmpty());
  }

  /** Puts the default project into {@code args} when the call needs one and left it out. */
  public void fill(ToolDefinition tool, JsonObject args) {
    ParamSpec p = tool.param("project_id");
    if (project.isEmpty() || p == null || args.getValue("project_id") != null) {
      return;
    }
    if (p.required() || allowlist) {
      args.put("project_id", project);
    }
  }
}
