package dev.gitlabmcp.gateway.cli;

import dev.gitlabmcp.gateway.config.ConfigReport;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.pg.DatabaseCheck;
import dev.gitlabmcp.gateway.tools.ToolPolicy;
import java.util.ArrayList;
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
      GatewayConfig.Mode mode = stdio ? GatewayConfig.Mode.STDIO : GatewayConfig.Mode.HTTP;
      boolean valid = ConfigReport.print(options.loader(), mode, System.out, cfg -> {
        List<String> problems = new ArrayList<>(ToolsCommand.withCatalog(catalog -> ToolPolicy.unknownNames(catalog,
            cfg.tools().toolsets(), cfg.tools().tools())));
        problems.addAll(DatabaseCheck.problems(cfg));
        return problems;
      });
      return valid ? 0 : ConfigOptions.EXIT_CONFIG;
    }
  }
}
