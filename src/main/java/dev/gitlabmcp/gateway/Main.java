package dev.gitlabmcp.gateway;

import dev.gitlabmcp.gateway.config.ConfigException;
import dev.gitlabmcp.gateway.config.ConfigLoader;
import dev.gitlabmcp.gateway.config.ConfigReport;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.config.Settings;
import dev.gitlabmcp.gateway.tools.ToolCatalog;
import dev.gitlabmcp.gateway.tools.ToolDefinition;
import dev.gitlabmcp.gateway.tools.ToolDocs;
import dev.gitlabmcp.gateway.tools.ToolPolicy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Command line: serve (the default), stdio, config check. */
@Command(name = "gitlab-mcp-gateway", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
    description = "GitLab gateway for the Model Context Protocol. Without a subcommand it serves MCP over HTTP.",
    subcommands = {Main.Serve.class, Main.Stdio.class, Main.ConfigCommand.class, Main.ToolsCommand.class,
        InstancesCommand.class})
public final class Main implements Callable<Integer> {

  /** Exit code for invalid configuration (sysexits EX_CONFIG). */
  static final int EXIT_CONFIG = 78;

  @Mixin
  RunOptions options = new RunOptions();

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public Integer call() {
    return serve(options);
  }

  /** Options shared by every command that reads configuration. */
  static class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "gateway.yaml to read (default: conf/gateway.yaml if present, or GATEWAY_CONFIG).")
    Path config;

    @Option(names = "--host", description = "Listen address (HOST).")
    String host;

    @Option(names = "--port", description = "Listen port (PORT).")
    String port;

    @Option(names = "--gitlab-url", paramLabel = "URL", description = "GitLab base URL (GITLAB_API_URL).")
    String gitlabUrl;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Any setting by its yaml key, e.g. --set mcp.maxSessions=50.")
    Map<String, String> set = new LinkedHashMap<>();

    Map<String, String> flags() {
      Map<String, String> f = new LinkedHashMap<>(set);
      if (host != null) {
        f.put(Settings.HOST.key(), host);
      }
      if (port != null) {
        f.put(Settings.PORT.key(), port);
      }
      if (gitlabUrl != null) {
        f.put(Settings.GITLAB_URL.key(), gitlabUrl);
      }
      if (instancesFile() != null) {
        f.put(Settings.INSTANCES_FILE.key(), instancesFile().toString());
      }
      return f;
    }

    ConfigLoader loader() {
      return new ConfigLoader(flags(), System.getenv(), config);
    }

    Path instancesFile() {
      return null; // the instances subcommands have their own --instances
    }
  }

  /** The shared options plus --instances, for the commands that run or check the gateway. */
  static final class RunOptions extends ConfigOptions {
    @Option(names = "--instances", paramLabel = "FILE",
        description = "GitLab instances file, JSON or YAML (GITLAB_INSTANCES_FILE; default: conf/instances.json if present).")
    Path instances;

    @Override
    Path instancesFile() {
      return instances;
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve MCP over Streamable HTTP (default).")
  static final class Serve implements Callable<Integer> {
    @Mixin
    RunOptions options = new RunOptions();

    @Override
    public Integer call() {
      return serve(options);
    }
  }

  @Command(name = "stdio", mixinStandardHelpOptions = true,
      description = "Speak MCP over stdin/stdout (newline-delimited JSON-RPC) for desktop hosts; logs go to stderr.")
  static final class Stdio implements Callable<Integer> {
    @Mixin
    RunOptions options = new RunOptions();

    @Override
    public Integer call() throws InterruptedException {
      PrintStream protocolOut = System.out;
      System.setOut(System.err); // nothing but protocol messages may reach stdout
      GatewayConfig cfg = loadOrReport(options, GatewayConfig.Mode.STDIO, System.err);
      if (cfg == null) {
        return EXIT_CONFIG;
      }
      configureLogging(cfg, true);
      CountDownLatch done = new CountDownLatch(1);
      int[] code = {0};
      GatewayApp.startStdio(cfg, System.in, protocolOut).onComplete(ar -> {
        if (ar.failed()) {
          System.err.println("gitlab-mcp-gateway: could not start: " + ar.cause().getMessage());
          code[0] = 1;
          done.countDown();
          return;
        }
        ar.result().stdioEof().onComplete(v -> ar.result().close().onComplete(c -> done.countDown()));
      });
      done.await();
      return code[0];
    }
  }

  @Command(name = "config", mixinStandardHelpOptions = true, description = "Configuration commands.",
      subcommands = {ConfigCheck.class})
  static final class ConfigCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      new CommandLine(this).usage(System.out);
      return 0;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Print the effective configuration (secrets masked) and every problem; exit 78 when invalid.")
  static final class ConfigCheck implements Callable<Integer> {
    @Mixin
    RunOptions options = new RunOptions();

    @Option(names = "--stdio", description = "Check for the stdio transport instead of HTTP.")
    boolean stdio;

    @Override
    public Integer call() {
      GatewayConfig.Mode mode = stdio ? GatewayConfig.Mode.STDIO : GatewayConfig.Mode.HTTP;
      boolean valid = ConfigReport.print(options.loader(), mode, System.out,
          cfg -> withCatalog(catalog -> ToolPolicy.unknownNames(catalog, cfg.tools().toolsets(), cfg.tools().tools())));
      return valid ? 0 : EXIT_CONFIG;
    }
  }

  @Command(name = "tools", mixinStandardHelpOptions = true, description = "The tool catalog.",
      subcommands = {ToolsList.class, ToolsDocs.class})
  static final class ToolsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      new CommandLine(this).usage(System.out);
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the tools: name, toolset, access, and whether the configuration offers them.")
  static final class ToolsList implements Callable<Integer> {
    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--toolset", description = "Only this toolset.")
    String toolset;

    @Override
    public Integer call() {
      GatewayConfig cfg = loadOrReport(options, GatewayConfig.Mode.HTTP, System.err);
      if (cfg == null) {
        return EXIT_CONFIG;
      }
      ToolPolicy policy = GatewayApp.policy(cfg);
      return withCatalog(catalog -> {
        if (toolset != null && !catalog.toolsets().containsKey(toolset)) {
          System.err.println("unknown toolset '" + toolset + "'; known: " + String.join(", ", catalog.toolsets().keySet()));
          return 2;
        }
        int offered = 0;
        for (ToolDefinition t : catalog.all()) {
          if (toolset != null && !t.toolset().equals(toolset)) {
            continue;
          }
          boolean on = policy.visible(t, java.util.Set.of());
          offered += on ? 1 : 0;
          System.out.printf("%-44s %-16s %-11s %-8s %s%n", t.name(), t.toolset(),
              t.readOnly() ? "read" : t.destructive() ? "destructive" : "write", t.tier(), on ? "offered" : "-");
        }
        System.out.println(offered + " offered by this configuration (plus discover_tools); "
            + catalog.all().size() + " in the catalog.");
        return 0;
      });
    }
  }

  @Command(name = "docs", mixinStandardHelpOptions = true,
      description = "Print docs/tools.md (Markdown) generated from the catalog.")
  static final class ToolsDocs implements Callable<Integer> {
    @Override
    public Integer call() {
      return withCatalog(catalog -> {
        System.out.print(ToolDocs.render(catalog));
        return 0;
      });
    }
  }

  /** Loads the catalog with a short-lived Vert.x (its schema checks need one), runs {@code f}, closes. */
  static <T> T withCatalog(java.util.function.Function<ToolCatalog, T> f) {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      return f.apply(ToolCatalog.load(vertx));
    } finally {
      vertx.close();
    }
  }

  static int serve(ConfigOptions options) {
    GatewayConfig cfg = loadOrReport(options, GatewayConfig.Mode.HTTP, System.err);
    if (cfg == null) {
      return EXIT_CONFIG;
    }
    configureLogging(cfg, false);
    CountDownLatch started = new CountDownLatch(1);
    GatewayApp.Running[] running = new GatewayApp.Running[1];
    Throwable[] failure = new Throwable[1];
    GatewayApp.startHttp(cfg).onComplete(ar -> {
      running[0] = ar.result();
      failure[0] = ar.cause();
      started.countDown();
    });
    try {
      started.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    if (failure[0] instanceof ConfigException e) {
      System.err.println("gitlab-mcp-gateway: invalid configuration, not starting. " + e.problems().size()
          + " problem(s):");
      e.problems().forEach(p -> System.err.println("  - " + p));
      return EXIT_CONFIG;
    }
    if (failure[0] != null) {
      System.err.println("gitlab-mcp-gateway: could not start: " + failure[0].getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running[0].close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // The process is ending either way.
      }
      stopped.countDown();
    }, "shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static GatewayConfig loadOrReport(ConfigOptions options, GatewayConfig.Mode mode, PrintStream err) {
    try {
      return options.loader().load(mode).config();
    } catch (ConfigException e) {
      err.println("gitlab-mcp-gateway: invalid configuration, not starting. " + e.problems().size()
          + " problem(s):");
      e.problems().forEach(p -> err.println("  - " + p));
      err.println("Run 'gitlab-mcp-gateway config check' to see the effective configuration.");
      return null;
    }
  }

  /**
   * logback.xml reads these properties. Loading the configuration may already have started logback with
   * its defaults (parsing an instances file with Vert.x JSON creates a Vert.x logger), so read it again.
   */
  static void configureLogging(GatewayConfig cfg, boolean stdio) {
    System.setProperty("gateway.log.target", stdio ? "System.err" : "System.out");
    System.setProperty("gateway.log.appender", cfg.logFormat().toUpperCase());
    System.setProperty("gateway.log.level", cfg.logLevel().toUpperCase());
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
      logback.reset();
      try {
        new ch.qos.logback.classic.util.ContextInitializer(logback).autoConfig();
      } catch (ch.qos.logback.core.joran.spi.JoranException e) {
        System.err.println("gitlab-mcp-gateway: logback.xml could not be read again: " + e.getMessage());
      }
    }
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"gitlab-mcp-gateway " + Version.VERSION};
    }
  }
}
