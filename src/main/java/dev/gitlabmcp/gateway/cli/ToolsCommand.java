package dev.gitlabmcp.gateway.cli;

import dev.gitlabmcp.gateway.app.GatewayApp;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.tools.ToolCatalog;
import dev.gitlabmcp.gateway.tools.ToolDefinition;
import dev.gitlabmcp.gateway.tools.ToolDocs;
import dev.gitlabmcp.gateway.tools.ToolPolicy;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tools list} and {@code tools docs}: the catalog as this configuration offers it. */
@Command(name = "tools", mixinStandardHelpOptions = true, description = "The tool catalog.",
    subcommands = {ToolsCommand.ListTools.class, ToolsCommand.Docs.class})
public final class ToolsCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 0;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the tools: name, toolset, access, and whether the configuration offers them.")
  static final class ListTools implements Callable<Integer> {
    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--toolset", description = "Only this toolset.")
    String toolset;

    @Override
    public Integer call() {
      GatewayConfig cfg = options.loadOrReport(GatewayConfig.Mode.HTTP, System.err);
      if (cfg == null) {
        return ConfigOptions.EXIT_CONFIG;
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
          boolean on = policy.visible(t, Set.of());
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
  static final class Docs implements Callable<Integer> {
    @Override
    public Integer call() {
      return withCatalog(catalog -> {
        System.out.print(ToolDocs.render(catalog));
        return 0;
      });
    }
  }

  /** Loads the catalog with a short-lived Vert.x (its schema checks need one), runs {@code f}, closes. */
  static <T> T withCatalog(Function<ToolCatalog, T> f) {
    Vertx vertx = Vertx.vertx();
    try {
      return f.apply(ToolCatalog.load(vertx));
    } finally {
      vertx.close();
    }
  }
}
