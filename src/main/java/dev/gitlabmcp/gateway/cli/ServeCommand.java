package dev.gitlabmcp.gateway.cli;

import dev.gitlabmcp.gateway.app.GatewayApp;
import dev.gitlabmcp.gateway.config.ConfigException;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.ops.JvmDefaults;
import dev.gitlabmcp.gateway.tools.ToolCatalog;
import java.net.BindException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code serve}: MCP over Streamable HTTP until the process is stopped. Also what the root command runs. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve MCP over Streamable HTTP (default).")
public final class ServeCommand implements Callable<Integer> {

  @Mixin
  ServerOptions options = new ServerOptions();

  @Override
  public Integer call() {
    return serve(options);
  }

  /** Starts the HTTP gateway and waits for the shutdown hook; 78 for invalid configuration, 1 when it cannot start. */
  public static int serve(ServerOptions options) {
    GatewayConfig cfg = options.loadOrReport(GatewayConfig.Mode.HTTP, System.err);
    if (cfg == null) {
      return ConfigOptions.EXIT_CONFIG;
    }
    Logging.configure(cfg, false);
    ToolCatalog.preload(); // overlaps the rest of the start
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
      return ConfigOptions.EXIT_CONFIG;
    }
    if (failure[0] != null) {
      System.err.println("gitlab-mcp-gateway: could not start: " + startFailure(failure[0], cfg));
      return 1;
    }
    List<String> tuned = JvmDefaults.apply(); // java -jar without flags: an idle heap gives memory back
    if (!tuned.isEmpty()) {
      LoggerFactory.getLogger(ServeCommand.class).info("jvm_defaults {} (G1 chosen by the JVM; flags you set win)",
          String.join(" ", tuned));
    }
    awaitShutdown(running[0]);
    return 0;
  }

  /** What went wrong, in words an operator can act on: a taken port names the address and the setting. */
  static String startFailure(Throwable failure, GatewayConfig cfg) {
    if (isAddressInUse(failure)) {
      return "cannot listen on " + hostPort(cfg.host(), cfg.port()) + ": the address is already in use (another "
          + "process holds the port; stop it or choose another with PORT / --port)";
    }
    return failure.getMessage();
  }

  private static boolean isAddressInUse(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BindException || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }

  private static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static void awaitShutdown(GatewayApp.Running running) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close().toCompletionStage().toCompletableFuture()
            .get(running.config().drainSeconds() + 10L, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // The process is ending either way.
      }
      dev.gitlabmcp.gateway.ops.log.LogSetup.flush(); // the last lines are still queued (NonBlockingAppender)
      stopped.countDown();
    }, "shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
