package dev.gitlabmcp.gateway.cli;

import dev.gitlabmcp.gateway.app.GatewayApp;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.tools.ToolCatalog;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code stdio}: MCP over stdin/stdout for desktop hosts. It listens on no port, so it has no --host/--port. */
@Command(name = "stdio", mixinStandardHelpOptions = true,
    description = "Speak MCP over stdin/stdout (newline-delimited JSON-RPC) for desktop hosts; logs go to stderr.")
public final class StdioCommand implements Callable<Integer> {

  @Mixin
  RunOptions options = new RunOptions();

  @Override
  public Integer call() throws InterruptedException {
    PrintStream protocolOut = System.out;
    System.setOut(System.err); // nothing but protocol messages may reach stdout
    GatewayConfig cfg = options.loadOrReport(GatewayConfig.Mode.STDIO, System.err);
    if (cfg == null) {
      return ConfigOptions.EXIT_CONFIG;
    }
    Logging.configure(cfg, true);
    ToolCatalog.preload(); // overlaps the rest of the start
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
