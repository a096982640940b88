package dev.gitlabmcp.gateway.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which tools the gateway offers and allows.
 *
 * @param permissionMode readonly, modify or full (GITLAB_READ_ONLY_MODE=true makes it readonly)
 * @param toolsets toolsets on top of the core tools, legacy USE_* flags folded in
 * @param tools single tools on top of those
 * @param deniedToolsRegex tool names matching this never run (empty: none)
 * @param allowedProjects project ids or paths outside which no tool runs (empty: no restriction)
 * @param defaultProject GITLAB_PROJECT_ID: the project of a call that names none (empty: none)
 * @param compact GITLAB_TOOL_LIST_MODE=compact: tools/list holds find/describe/call meta-tools
 */
public record ToolsConfig(String permissionMode, Set<String> toolsets, Set<String> tools, String deniedToolsRegex,
                          List<String> allowedProjects, String defaultProject, boolean compact) {

  public ToolsConfig(String permissionMode, Set<String> toolsets, Set<String> tools, String deniedToolsRegex,
                     List<String> allowedProjects, String defaultProject) {
    this(permissionMode, toolsets, tools, deniedToolsRegex, allowedProjects, defaultProject, false);
  }

  public ToolsConfig {
    Objects.requireNonNull(permissionMode, "permissionMode");
    toolsets = Set.copyOf(new LinkedHashSet<>(toolsets));
    tools = Set.copyOf(new LinkedHashSet<>(tools));
    deniedToolsRegex = deniedToolsRegex == null ? "" : deniedToolsRegex;
    allowedProjects = List.copyOf(allowedProjects);
    defaultProject = defaultProject == null ? "" : defaultProject.trim();
  }

  /**
   * The project a call that names none works on: GITLAB_PROJECT_ID, else the only allowed project (as the
   * other GitLab MCP server does); empty when there is none.
   */
  public String effectiveDefaultProject() {
    if (!defaultProject.isEmpty()) {
      return defaultProject;
    }
    return allowedProjects.size() == 1 ? allowedProjects.get(0).trim() : "";
  }

  /** The compiled denied-tools pattern, or null when none is set. Call {@link #problems()} first. */
  public Pattern deniedPattern() {
    return deniedToolsRegex.isBlank() ? null : Pattern.compile(deniedToolsRegex);
  }

  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!defaultProject.isEmpty() && !allowedProjects.isEmpty()
        && allowedProjects.stream().noneMatch(p -> sameProject(p, defaultProject))) {
      problems.add("GITLAB_PROJECT_ID (tools.defaultProject) " + defaultProject + " is not one of "
          + "GITLAB_ALLOWED_PROJECT_IDS (" + String.join(", ", allowedProjects) + "): no call could use it. "
          + "Add it to the allowed projects or change it.");
    }
    if (deniedToolsRegex.isBlank()) {
      return problems;
    }
    try {
      Pattern.compile(deniedToolsRegex);
    } catch (PatternSyntaxException e) {
      problems.add("GITLAB_DENIED_TOOLS_REGEX (tools.deniedToolsRegex) is not a valid regular expression: "
          + e.getDescription() + " near index " + e.getIndex());
    }
    return problems;
  }

  /** Ids and paths compared as GitLab does: case-insensitive, %2F for /, no surrounding slashes. */
  private static boolean sameProject(String a, String b) {
    return canonical(a).equals(canonical(b));
  }

  private static String canonical(String p) {
    String s = p.trim().replace("%2F", "/").replace("%2f", "/").toLowerCase(Locale.ROOT);
    return s.replaceAll("^/+|/+$", "");
  }
}
