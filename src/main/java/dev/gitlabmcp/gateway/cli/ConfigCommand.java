package dev.gitlabmcp.gateway.cli;

import dev.gitlabmcp.gateway.config.ConfigException;
import dev.gitlabmcp.gateway.config.ConfigLoader;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.Setting;
import dev.gitlabmcp.gateway.tools.ToolPolicy;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code config check}: the effective configuration, secrets masked, and every problem. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Configuration commands.",
    subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 0;
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Print the effective configuration (secrets masked) and every problem; exit 78 when invalid.")
  static final class Check implements Callable<Integer> {
    @Mixin
    ServerOptions options = new ServerOptions();

    @Option(names = "--stdio", description = "Check for the stdio transport instead of HTTP.")
    boolean stdio;

    @Override
    public Integer call() {
      PrintStream out = System.out;
      ConfigLoader loader = options.loader();
      GatewayConfig.Mode mode = stdio ? GatewayConfig.Mode.STDIO : GatewayConfig.Mode.HTTP;
      List<ConfigLoader.Entry> entries = loader.entries();
      out.println("Effective configuration (" + (loader.file() == null ? "no file" : "file " + loader.file())
          + "; precedence: flag > environment > file > default):");
      int width = entries.stream().mapToInt(e -> e.setting().key().length()).max().orElse(10);
      int envWidth = entries.stream().mapToInt(e -> e.setting().envNames().get(0).length()).max().orElse(10);
      for (ConfigLoader.Entry e : entries) {
        Setting s = e.setting();
        out.printf("  %-" + width + "s  %-" + envWidth + "s  %-30s  (%s)%n", s.key(), s.envNames().get(0),
            e.shown().isEmpty() ? "\"\"" : e.shown(), e.origin());
      }
      try {
        GatewayConfig cfg = loader.load(mode).config();
        out.println("GitLab instances (from " + cfg.instances().origin() + "):");
        for (GitLabConfig c : cfg.instances().list()) {
          out.printf("  %-20s %-40s %s%s%n", c.name(), ConfigLoader.maskUserInfo(c.baseUrl().toString()),
              c.isDefault() ? "default" : "", c.token().isSet() ? ", token set" : "");
        }
        List<String> unknown = ToolsCommand.withCatalog(catalog -> ToolPolicy.unknownNames(catalog,
            cfg.tools().toolsets(), cfg.tools().tools()));
        if (!unknown.isEmpty()) {
          throw new ConfigException(unknown);
        }
        out.println("Configuration is valid.");
        return 0;
      } catch (ConfigException e) {
        out.println(e.problems().size() + " problem(s):");
        e.problems().forEach(p -> out.println("  - " + p));
        return ConfigOptions.EXIT_CONFIG;
      }
    }
  }
}
