package dev.gitlabmcp.gateway.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Start-up only: each jar in turn, round after round, from process start to the first /health 200 (no GitLab
 * needed; background checks are off). Prints each start and the median per jar and JVM setting, so jars built
 * before and after a change are compared in the same run.
 *
 * <pre>
 * java -cp "target/test-classes:$(cat target/bench.classpath)" -Djars=/tmp/old.jar,target/gitlab-mcp-gateway.jar \
 *   -Drounds=7 "-Djvms=;-XX:+UseSerialGC -XX:MaxRAM=1g -XX:MaxRAMPercentage=75" dev.gitlabmcp.gateway.bench.StartupBench
 * </pre>
 *
 * Properties: jars (comma-separated, default target/gitlab-mcp-gateway.jar), jvms (JVM flag sets separated by
 * {@code ;}, the empty set being {@code java -jar} with no flags; default: the empty set), rounds (7), java (the
 * JVM binary to start, default the one running this).
 */
public final class StartupBench {

  private StartupBench() {
  }

  public static void main(String[] args) throws Exception {
    List<Path> jars = Arrays.stream(System.getProperty("jars", "target/gitlab-mcp-gateway.jar").split(","))
        .map(String::trim).map(Path::of).toList();
    List<List<String>> jvms = Arrays.stream(System.getProperty("jvms", "").split(";", -1))
        .map(String::trim).map(s -> s.isEmpty() ? List.<String>of() : List.of(s.split("\\s+"))).toList();
    int rounds = Integer.getInteger("rounds", 7);
    String java = System.getProperty("java");
    Map<String, List<Long>> results = new LinkedHashMap<>();
    // one unmeasured start per jar and setting: page cache, JIT of the poller
    for (List<String> jvm : jvms) {
      for (Path jar : jars) {
        BenchProcesses.Gateway.start(jar, java, jvm, "http://127.0.0.1:9", 100, Map.of()).stop();
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (List<String> jvm : jvms) {
        for (Path jar : jars) {
          BenchProcesses.Gateway g = BenchProcesses.Gateway.start(jar, java, jvm, "http://127.0.0.1:9", 100, Map.of());
          g.stop();
          String key = jar + " | " + (jvm.isEmpty() ? "java -jar defaults" : String.join(" ", jvm));
          results.computeIfAbsent(key, k -> new ArrayList<>()).add(g.readyMs());
          System.out.printf("round %d %s: %d ms (load %.1f)%n", r + 1, key, g.readyMs(), BenchProcesses.loadAverage());
        }
      }
    }
    System.out.println();
    System.out.println("| jar | JVM | median | starts (ms) |");
    System.out.println("|---|---|---|---|");
    results.forEach((k, v) -> {
      List<Long> sorted = v.stream().sorted().toList();
      String[] parts = k.split(" \\| ");
      System.out.printf("| %s | %s | %d ms | %s |%n", parts[0], parts[1], sorted.get(sorted.size() / 2), v);
    });
  }
}
