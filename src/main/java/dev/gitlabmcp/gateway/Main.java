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
    // "serve" alone is the image's command (Dockerfile CMD) and means what no arguments mean
    if (args.length == 0 || args.length == 1 && args[0].equals("serve")) {
      return serveWithoutArguments();
    }
    return commandLine(new Main()).execute(args);
  }

  private static CommandLine commandLine(Main main) {
    return new CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true);
  }

  /**
   * {@code java -jar} without arguments (or with {@code serve} alone): the root command's work without picocli, whose model of the
   * commands (~170 classes, reflection over every option of every subcommand) cost ~200 ms of the start-up. With
   * nothing to parse, only a failure needs picocli: it is reported as {@code execute} reports it.
   */
  private static int serveWithoutArguments() {
    Main main = new Main();
    try {
      return main.call();
    } catch (Exception e) {
      CommandLine cli = commandLine(main);
      return cli.setExecutionStrategy(parsed -> {
        throw new CommandLine.ExecutionException(cli, "Error while calling command (" + main + "): " + e, e);
      }).execute();
    }
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
