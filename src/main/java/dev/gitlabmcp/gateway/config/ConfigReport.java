package dev.gitlabmcp.gateway.config;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What {@code config check} prints: every setting with its value and source, the GitLab instances and the
 * source that defines them, the effective permission mode, then warnings and problems. Secrets are masked.
 */
public final class ConfigReport {

  private ConfigReport() {
  }

  /**
   * @param extraChecks problems that need more than the configuration (the tool catalog), run when it is valid
   * @return whether the configuration is valid
   */
  public static boolean print(ConfigLoader loader, GatewayConfig.Mode mode, PrintStream out,
                              Function<GatewayConfig, List<String>> extraChecks) {
    List<ConfigLoader.Entry> entries = loader.entries();
    GatewayConfig cfg = null;
    List<String> problems = new ArrayList<>();
    try {
      cfg = loader.load(mode).config();
      problems.addAll(extraChecks.apply(cfg));
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    out.println("Effective configuration (" + (loader.file() == null ? "no file" : "file " + loader.file())
        + "; precedence: flag > environment > file > default):");
    int width = entries.stream().mapToInt(e -> e.setting().key().length()).max().orElse(10);
    int envWidth = entries.stream().mapToInt(e -> e.setting().envNames().get(0).length()).max().orElse(10);
    for (ConfigLoader.Entry e : entries) {
      Setting s = e.setting();
      out.printf("  %-" + width + "s  %-" + envWidth + "s  %-30s  (%s)%s%n", s.key(), s.envNames().get(0),
          e.shown().isEmpty() ? "\"\"" : e.shown(), e.origin(), cfg == null ? "" : note(cfg, e));
    }
    List<String> warnings = cfg != null ? cfg.warnings() : loader.unsupported().warnings();
    if (cfg != null) {
      printInstances(cfg, out, cfg.instances().source() == InstancesLoader.Source.LEGACY_URL
          ? ConfigLoader.urlOrigin(ConfigLoader.entry(entries, Settings.GITLAB_URL)) : cfg.instances().origin());
      out.println("Permission mode: " + cfg.permissionMode() + (cfg.readOnly() && !"readonly".equals(
          cfg.tools().permissionMode()) ? " (GITLAB_READ_ONLY_MODE=true wins over GITLAB_PERMISSION_MODE="
          + cfg.tools().permissionMode() + ")" : ""));
      out.println("Encryption keys: " + EncryptionKeys.describe(cfg));
      String project = cfg.tools().effectiveDefaultProject();
      if (!project.isEmpty()) {
        out.println("Default project (a call without project_id): " + project + " (from "
            + (cfg.tools().defaultProject().isEmpty() ? "the only GITLAB_ALLOWED_PROJECT_IDS entry"
            : "GITLAB_PROJECT_ID") + ")");
      }
    }
    if (!warnings.isEmpty()) {
      out.println(warnings.size() + " warning(s):");
      warnings.forEach(w -> out.println("  - " + w));
    }
    if (!problems.isEmpty()) {
      out.println(problems.size() + " problem(s):");
      problems.forEach(p -> out.println("  - " + p));
      return false;
    }
    out.println("Configuration is valid.");
    return true;
  }

  private static void printInstances(GatewayConfig cfg, PrintStream out, String origin) {
    out.println("GitLab instances (from " + origin
        + "; an instances file wins over GITLAB_INSTANCES, which wins over GITLAB_API_URL):");
    for (GitLabConfig c : cfg.instances().list()) {
      List<String> traits = new ArrayList<>();
      if (c.isDefault()) {
        traits.add("default");
      }
      if (c.token().isSet()) {
        traits.add("token set");
      }
      if (!c.proxy().isEmpty()) {
        traits.add("proxy " + ConfigLoader.maskUserInfo(c.proxy())
            + (c.noProxy().isEmpty() ? "" : " except for " + String.join(",", c.noProxy())));
      }
      if (!c.caFile().isEmpty()) {
        traits.add("CA file " + c.caFile());
      }
      out.printf("  %-20s %-40s %s%n", c.name(), ConfigLoader.maskUserInfo(c.baseUrl().toString()),
          String.join(", ", traits));
    }
  }

  /** A row's note when its value is set but another source decides. */
  private static String note(GatewayConfig cfg, ConfigLoader.Entry e) {
    if (e.setting() == Settings.PERMISSION_MODE && cfg.readOnly()) {
      return "  -> readonly (GITLAB_READ_ONLY_MODE)";
    }
    if (ConfigLoader.unused(e, cfg.instances().source())) {
      return "  -> not used: the instances come from " + cfg.instances().origin();
    }
    return "";
  }
}
