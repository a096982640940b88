package dev.gitlabmcp.gateway.cli;

import dev.gitlabmcp.gateway.config.ConfigException;
import dev.gitlabmcp.gateway.config.ConfigLoader;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.config.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options shared by every command that reads configuration. The listener's {@code --host} and
 * {@code --port} live in {@link ServerOptions}: only commands that serve HTTP (or check it) show them.
 */
public class ConfigOptions {

  /** Exit code for invalid configuration (sysexits EX_CONFIG). */
  public static final int EXIT_CONFIG = 78;

  @Option(names = "--config", paramLabel = "FILE", description = "gateway.yaml to read (default: conf/gateway.yaml if present, or GATEWAY_CONFIG).")
  Path config;

  @Option(names = "--gitlab-url", paramLabel = "URL", description = "GitLab base URL (GITLAB_API_URL).")
  String gitlabUrl;

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Any setting by its yaml key, e.g. --set mcp.maxSessions=50.")
  Map<String, String> set = new LinkedHashMap<>();

  Map<String, String> flags() {
    Map<String, String> f = new LinkedHashMap<>(set);
    if (gitlabUrl != null) {
      f.put(Settings.GITLAB_URL.key(), gitlabUrl);
    }
    return f;
  }

  ConfigLoader loader() {
    return new ConfigLoader(flags(), System.getenv(), config);
  }

  /** The configuration for {@code mode}, or null after printing every problem to {@code err}. */
  GatewayConfig loadOrReport(GatewayConfig.Mode mode, PrintStream err) {
    try {
      return loader().load(mode).config();
    } catch (ConfigException e) {
      err.println("gitlab-mcp-gateway: invalid configuration, not starting. " + e.problems().size()
          + " problem(s):");
      e.problems().forEach(p -> err.println("  - " + p));
      err.println("Run 'gitlab-mcp-gateway config check' to see the effective configuration.");
      return null;
    }
  }
}
