package dev.gitlabmcp.gateway;

import dev.gitlabmcp.gateway.cli.AuditCommand;
import dev.gitlabmcp.gateway.cli.ConfigCommand;
import dev.gitlabmcp.gateway.cli.InstancesCommand;
import dev.gitlabmcp.gateway.cli.KeysCommand;
import dev.gitlabmcp.gateway.cli.ServeCommand;
import dev.gitlabmcp.gateway.cli.ServerOptions;
import dev.gitlabmcp.gateway.cli.StdioCommand;
import dev.gitlabmcp.gateway.cli.ToolsCommand;
import dev.gitlabmcp.gateway.core.Version;
import dev.gitlabmcp.gateway.ops.log.LogSetup;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Command line root: serve (the default), stdio, config, tools, instances, keys, audit; the subcommands live in cli/. */
@Command(name = "gitlab-mcp-gateway", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
    description = "GitLab gateway for the Model Context Protocol. Without a subcommand it serves MCP over HTTP.",
    subcommands = {ServeCommand.class, StdioCommand.class, ConfigCommand.class, ToolsCommand.class,
        InstancesCommand.class, KeysCommand.class, AuditCommand.class})
public final class Main implements Callable<Integer> {

  @Mixin
  ServerOptions options = new ServerOptions();

  public static void main(String[] args) {
    int code = run(args);
    LogSetup.flush(); // the last lines are still queued (NonBlockingAppender)
    System.exit(code);
  }

  /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
  public static int run(String[] args) {
    // Without arguments the root command serves, which is all `serve` does: reading the models of all seven
    // subcommands (reflection over every option of each) would only delay the start. Any argument may name a
    // subcommand or ask for help or the version, so then the whole command line is read.
    Object command = args.length == 0 ? new ServeCommand() : new Main();
    return new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public Integer call() {
    return ServeCommand.serve(options);
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"gitlab-mcp-gateway " + Version.VERSION};
    }
  }
}
