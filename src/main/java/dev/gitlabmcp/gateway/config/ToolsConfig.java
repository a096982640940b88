package dev.gitlabmcp.gateway.config;

import java.util.LinkedHashSet;
import java.util.List;
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
 */
public record ToolsConfig(String permissionMode, Set<String> toolsets, Set<String> tools, String deniedToolsRegex,
                          List<String> allowedProjects) {

  public ToolsConfig {
    Objects.requireNonNull(permissionMode, "permissionMode");
    toolsets = Set.copyOf(new LinkedHashSet<>(toolsets));
    tools = Set.copyOf(new LinkedHashSet<>(tools));
    deniedToolsRegex = deniedToolsRegex == null ? "" : deniedToolsRegex;
    allowedProjects = List.copyOf(allowedProjects);
  }

  /** The compiled denied-tools pattern, or null when none is set. Call {@link #problems()} first. */
  public Pattern deniedPattern() {
    return deniedToolsRegex.isBlank() ? null : Pattern.compile(deniedToolsRegex);
  }

  List<String> problems() {
    if (deniedToolsRegex.isBlank()) {
      return List.of();
    }
    try {
      Pattern.compile(deniedToolsRegex);
      return List.of();
    } catch (PatternSyntaxException e) {
      return List.of("GITLAB_DENIED_TOOLS_REGEX (tools.deniedToolsRegex) is not a valid regular expression: "
          + e.getDescription() + " near index " + e.getIndex());
    }
  }
}
