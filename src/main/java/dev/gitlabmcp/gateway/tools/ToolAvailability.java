package dev.gitlabmcp.gateway.tools;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.gitlab.InstanceIntrospector;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "Can this tool run here": the one place that answers it for listing and for calling. The operator's
 * policy (permission mode, denied tools, toolsets, project allowlist) and what the instance can serve
 * (edition, minimum version) are decided here; the namespace's tier is decided at call time by
 * {@link TierGate}, since it depends on the arguments.
 */
public final class ToolAvailability {

  private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d{1,6})\\.(\\d{1,6})");

  private final ToolPolicy policy;
  private final InstanceDirectory instances;

  public ToolAvailability(ToolPolicy policy, InstanceDirectory instances) {
    this.policy = policy;
    this.instances = instances;
  }

  public ToolPolicy policy() {
    return policy;
  }

  /** Whether tools/list shows the tool to a caller on this instance with these toolsets enabled. */
  public boolean listed(ToolDefinition tool, String instance, Set<String> sessionToolsets) {
    return policy.visible(tool, sessionToolsets) && unservable(tool, instance) == null;
  }

  /** Whether one of the gateway's own tools is allowed: they obey the denied list; none changes GitLab data. */
  public boolean builtInAllowed(String name) {
    return policy.forbidden(name, true, false) == null;
  }

  /**
   * Why the instance cannot serve the tool, or null when it can: a Community Edition instance has no
   * paid features, and a tool newer than the instance's GitLab is not there. Unknown editions and
   * versions get the benefit of the doubt (GitLab's own answer then explains).
   */
  public String unservable(ToolDefinition tool, String instance) {
    InstanceDirectory.Info info = instances.info(instance);
    String min = tool.traits().minVersion();
    if (min != null && info.version() != null && olderThan(info.version(), min)) {
      return "Tool " + tool.name() + " needs GitLab " + min + " or later, and instance " + instance + " runs "
          + info.version() + ".";
    }
    if ("free".equals(tool.tier()) || InstanceIntrospector.canServe(info, tool.tier())) {
      return null;
    }
    GitLabConfig c = instances.get(instance);
    return "Tool " + tool.name() + " needs GitLab " + capitalized(tool.tier()) + ", and instance " + instance + " ("
        + (c == null ? instance : c.label()) + ") runs the Community Edition" + (info.version() == null ? ""
        : " (" + info.version() + ")") + ", which has no paid features.";
  }

  /** "15.2.1-ee" older than "15.7"? Compares major and minor; an unreadable version is never older. */
  static boolean olderThan(String version, String min) {
    Matcher v = MAJOR_MINOR.matcher(version);
    Matcher m = MAJOR_MINOR.matcher(min);
    if (!v.find() || !m.find()) {
      return false;
    }
    int major = Integer.parseInt(v.group(1)) - Integer.parseInt(m.group(1));
    return major != 0 ? major < 0 : Integer.parseInt(v.group(2)) < Integer.parseInt(m.group(2));
  }

  private static String capitalized(String t) {
    return Character.toUpperCase(t.charAt(0)) + t.substring(1);
  }
}
