package dev.gitlabmcp.gateway.bench;

import io.vertx.core.Vertx;

/** Serves the benchmark's fake GitLab alone (for external load tools such as ab or wrk). */
public final class FakeGitLabMain {

  private FakeGitLabMain() {
  }

  public static void main(String[] args) throws Exception {
    var server = Benchmark.startFakeGitLab(Vertx.vertx());
    System.out.println("fake GitLab on http://127.0.0.1:" + server.actualPort());
  }
}
