package dev.gitlabmcp.gateway.bench;

import io.vertx.core.Vertx;

/**
 * Serves the benchmark's fake GitLab alone, in its own process (the benchmark starts it so, and so can
 * external load tools such as ab or wrk). Prints one line with its URL; an optional argument is the port.
 */
public final class FakeGitLabMain {

  private FakeGitLabMain() {
  }

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    var server = Benchmark.startFakeGitLab(Vertx.vertx(), port);
    System.out.println("fake GitLab on http://127.0.0.1:" + server.actualPort());
  }
}
