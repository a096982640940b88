package dev.gitlabmcp.gateway.tools;

/**
 * Which tools a session may see and call. The same check runs for tools/list and at call time,
 * so a hidden tool can never run by being called by name.
 */
public final class ToolPolicy {

  private final boolean readOnly;

  public ToolPolicy(boolean readOnly) {
    this.readOnly = readOnly;
  }

  /** Null when the tool may run, else the reason it may not, for the model. */
  public String denial(ToolDefinition tool) {
    if (readOnly && !tool.readOnly()) {
      return "Tool " + tool.name() + " changes GitLab, and this gateway is in read-only mode (GITLAB_READ_ONLY_MODE).";
    }
    return null;
  }

  public boolean visible(ToolDefinition tool) {
    return denial(tool) == null;
  }
}
