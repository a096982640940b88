package dev.gitlabmcp.gateway.tools;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which tools a session may see and call. The same checks run for tools/list and at call time, so
 * a hidden tool can never run by being called by name, and a refused call never reaches GitLab.
 */
public final class ToolPolicy {

  /** GITLAB_PERMISSION_MODE. */
  public enum Mode {
    /** Only tools that change nothing. */
    READONLY,
    /** Reads and writes, but nothing destructive (deletions, cancellations, unprotecting). */
    MODIFY,
    /** Everything. */
    FULL;

    public static Mode parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /** The toolset name that turns every toolset on. */
  public static final String ALL = "all";
  /** The name of the default set (tools marked core). */
  public static final String CORE = "core";

  private final Mode mode;
  private final Pattern denied;
  private final boolean all;
  private final Set<String> toolsets;
  private final Set<String> tools;
  private final List<String> allowedProjects;

  /**
   * @param denied tool names matching this are refused (GITLAB_DENIED_TOOLS_REGEX), or null
   * @param toolsets toolsets every session gets besides the core tools; "all" for every one
   * @param tools single tools every session gets
   * @param allowedProjects project ids or paths outside which nothing runs; empty for no restriction
   */
  public ToolPolicy(Mode mode, Pattern denied, Set<String> toolsets, Set<String> tools, List<String> allowedProjects) {
    this.mode = mode;
    this.denied = denied;
    this.all = toolsets.contains(ALL);
    this.toolsets = Set.copyOf(toolsets);
    this.tools = Set.copyOf(tools);
    List<String> norm = new ArrayList<>();
    for (String p : allowedProjects) {
      String n = normalizeProject(p);
      if (!n.isEmpty()) {
        norm.add(n);
      }
    }
    this.allowedProjects = List.copyOf(norm);
  }

  /** Every toolset, full permissions, no restrictions (tests and embedding). */
  public static ToolPolicy permissive() {
    return new ToolPolicy(Mode.FULL, null, Set.of(ALL), Set.of(), List.of());
  }

  /** Whether the operator's settings forbid this tool outright (mode, denied list), and why. */
  public String forbidden(String name, boolean readOnly, boolean destructive) {
    if (denied != null && denied.matcher(name).find()) {
      return "Tool " + name + " is disabled on this gateway (GITLAB_DENIED_TOOLS_REGEX).";
    }
    if (mode == Mode.READONLY && !readOnly) {
      return "Tool " + name + " changes GitLab, and this gateway is read-only (GITLAB_PERMISSION_MODE=readonly "
          + "or GITLAB_READ_ONLY_MODE).";
    }
    if (mode == Mode.MODIFY && destructive) {
      return "Tool " + name + " deletes or stops something, which this gateway does not allow "
          + "(GITLAB_PERMISSION_MODE=modify).";
    }
    return null;
  }

  /** Whether the tool belongs to the session's tool set: core, configured, or enabled by discover_tools. */
  public boolean enabled(ToolDefinition tool, Set<String> sessionToolsets) {
    return all || tool.traits().core() || toolsets.contains(tool.toolset()) || tools.contains(tool.name())
        || sessionToolsets.contains(tool.toolset());
  }

  /** Under a project allowlist, only tools that name a project or touch no project can ever run. */
  public boolean usableUnderAllowlist(ToolDefinition tool) {
    return allowedProjects.isEmpty() || tool.traits().projectFree() || tool.param("project_id") != null;
  }

  public boolean visible(ToolDefinition tool, Set<String> sessionToolsets) {
    return forbidden(tool.name(), tool.readOnly(), tool.destructive()) == null && enabled(tool, sessionToolsets)
        && usableUnderAllowlist(tool);
  }

  /** Null when the call may go to GitLab, else the reason it may not, for the model. */
  public String denial(ToolDefinition tool, JsonObject args, Set<String> sessionToolsets) {
    String forbidden = forbidden(tool.name(), tool.readOnly(), tool.destructive());
    if (forbidden != null) {
      return forbidden;
    }
    if (mode == Mode.MODIFY) {
      String hit = destructiveArgument(tool, args);
      if (hit != null) {
        return "Tool " + tool.name() + " with " + hit + " deletes or moves something, which this gateway does not "
            + "allow (GITLAB_PERMISSION_MODE=modify).";
      }
    }
    if (!enabled(tool, sessionToolsets)) {
      return "Tool " + tool.name() + " belongs to toolset '" + tool.toolset() + "', which is not enabled for this "
          + "session. Call discover_tools with {\"enable\": [\"" + tool.toolset() + "\"]} first.";
    }
    return projectDenial(tool, args);
  }

  private String projectDenial(ToolDefinition tool, JsonObject args) {
    if (allowedProjects.isEmpty() || tool.traits().projectFree()) {
      return null;
    }
    if (tool.param("project_id") == null) {
      return "Tool " + tool.name() + " is not limited to one project, and this gateway only works on its allowed "
          + "projects (GITLAB_ALLOWED_PROJECT_IDS: " + String.join(", ", allowedProjects) + ").";
    }
    if (args.getValue("project_id") == null) {
      return "This gateway only works on its allowed projects: give project_id, one of "
          + String.join(", ", allowedProjects) + ".";
    }
    for (Map.Entry<String, Object> e : args) {
      boolean names = e.getKey().equals("project_id") || e.getKey().endsWith("_project_id");
      if (names && e.getValue() != null && !allowedProjects.contains(normalizeProject(String.valueOf(e.getValue())))) {
        return "Project '" + shorten(String.valueOf(e.getValue())) + "' (" + e.getKey() + ") is outside this gateway's "
            + "allowed projects. Allowed, exactly as written: " + String.join(", ", allowedProjects) + ".";
      }
    }
    return null;
  }

  /** The first argument value that makes this call destructive ("files[].action=delete"), or null. */
  static String destructiveArgument(ToolDefinition tool, JsonObject args) {
    for (Map.Entry<String, List<String>> rule : tool.traits().destructiveIf().entrySet()) {
      for (Object v : values(args, rule.getKey().split("\\."), 0)) {
        if (v != null && rule.getValue().contains(String.valueOf(v))) {
          return rule.getKey() + "=" + v;
        }
      }
    }
    return null;
  }

  /** The values at a dotted path; a segment ending in [] walks every item of an array. */
  private static List<Object> values(Object node, String[] path, int i) {
    if (i == path.length) {
      return java.util.Collections.singletonList(node);
    }
    if (!(node instanceof JsonObject o)) {
      return List.of();
    }
    String seg = path[i];
    boolean each = seg.endsWith("[]");
    Object child = o.getValue(each ? seg.substring(0, seg.length() - 2) : seg);
    if (!each) {
      return values(child, path, i + 1);
    }
    List<Object> out = new ArrayList<>();
    if (child instanceof io.vertx.core.json.JsonArray a) {
      for (Object item : a) {
        out.addAll(values(item, path, i + 1));
      }
    }
    return out;
  }

  /** 42, "group/Project", "/group/project/", "group%2Fproject" -> 42, group/project. */
  static String normalizeProject(String raw) {
    String s = raw.trim().replace("%2F", "/").replace("%2f", "/").toLowerCase(Locale.ROOT);
    while (s.startsWith("/")) {
      s = s.substring(1);
    }
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.endsWith(".git")) {
      s = s.substring(0, s.length() - 4);
    }
    return s;
  }

  private static String shorten(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }

  /** The names of toolsets and tools the settings mention that the catalog does not know. */
  public static List<String> unknownNames(ToolCatalog catalog, Set<String> toolsets, Set<String> tools) {
    List<String> problems = new ArrayList<>();
    Set<String> unknown = new LinkedHashSet<>();
    for (String t : toolsets) {
      if (!t.equals(ALL) && !t.equals(CORE) && !catalog.toolsets().containsKey(t)) {
        unknown.add(t);
      }
    }
    if (!unknown.isEmpty()) {
      problems.add("GITLAB_TOOLSETS (tools.toolsets) names unknown toolsets " + unknown + "; known: all, core, "
          + String.join(", ", catalog.toolsets().keySet()));
    }
    Set<String> unknownTools = new LinkedHashSet<>();
    for (String t : tools) {
      if (catalog.get(t) == null && !t.equals(DiscoverTools.NAME)) {
        unknownTools.add(t);
      }
    }
    if (!unknownTools.isEmpty()) {
      problems.add("GITLAB_TOOLS (tools.tools) names unknown tools " + unknownTools + "; 'tools list' shows them");
    }
    return problems;
  }
}
