package dev.gitlabmcp.gateway.bench;

import dev.gitlabmcp.gateway.bench.BenchProcesses.Gateway;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Before/after on a noisy machine: two or more gateway jars and the reference proxy, all running at
 * once with the same JVM flags, measured in turn (A, B, proxy, A, B, proxy, ...) for a number of
 * rounds, so drift in what else the machine runs hits each of them alike. Reports CPU per call of
 * each (its CPU time from /proc/PID/stat over its windows, divided by its calls) and the ratio to the
 * proxy. bench/run.sh runs {@link Benchmark}; this one runs with
 * {@code java -cp ... dev.gitlabmcp.gateway.bench.Compare} and the properties
 * jars (comma-separated, required; a jar named with the suffix {@code +redis} runs with the REDIS_URL of the
 * environment, so one jar on memory and on Redis compare in the same run; {@code jar@-Xmn64m@-XX:...} adds JVM flags
 * to that entry alone), jvm (default or image), rounds (6),
 * seconds (10 per window), concurrency (64), warmup (seconds, at most 200), warmupRequests (20000). Besides CPU
 * per call it reports the median over the rounds of each target's p50.
 */
public final class Compare {

  private static final String REDIS_SUFFIX = "+redis";

  private Compare() {
  }

  private static String redisUrl() {
    String url = System.getenv("REDIS_URL");
    if (url == null || url.isBlank()) {
      throw new IllegalStateException("a jar named with +redis needs REDIS_URL in the environment");
    }
    return url;
  }

  public static void main(String[] args) throws Exception {
    String[] jars = System.getProperty("jars", "").split(",");
    List<String> flags = "image".equals(System.getProperty("jvm", "default")) ? Benchmark.IMAGE_FLAGS : List.of();
    int rounds = Integer.getInteger("rounds", 6);
    int concurrency = Integer.getInteger("concurrency", 64);
    int sessions = Integer.getInteger("sessions", 50);
    int warmup = Integer.getInteger("warmup", 200);
    int warmupRequests = Integer.getInteger("warmupRequests", 20_000);
    List<Process> started = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> started.forEach(Process::destroyForcibly)));
    try {
      var fake = BenchProcesses.startMain(List.of("-XX:+UseParallelGC"), FakeGitLabMain.class);
      started.add(fake.getKey());
      int fakePort = URI.create(fake.getValue()).getPort();
      var proxy = BenchProcesses.startMain(flags, ReferenceProxyMain.class, Integer.toString(fakePort));
      started.add(proxy.getKey());
      byte[] projectGet = LoadGenerator.get("/api/v4/projects/acme%2Fplatform%2Fgateway",
          "Accept: application/json\r\nPRIVATE-TOKEN: " + Benchmark.token(0) + "\r\n");
      List<String> names = new ArrayList<>();
      List<Process> processes = new ArrayList<>();
      List<LoadGenerator> generators = new ArrayList<>();
      String callBody = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/call")
          .put("params", new JsonObject().put("name", "get_project").put("arguments",
              new JsonObject().put("project_id", "acme/platform/gateway"))).encode();
      for (String named : jars) {
        String[] parts = named.split("@"); // jar[+redis][@flag@flag...]: JVM flags added for this entry alone
        String entry = parts[0];
        List<String> extra = List.of(parts).subList(1, parts.length);
        List<String> entryFlags = new ArrayList<>(flags);
        entryFlags.addAll(extra);
        boolean onRedis = entry.endsWith(REDIS_SUFFIX);
        String jar = onRedis ? entry.substring(0, entry.length() - REDIS_SUFFIX.length()) : entry;
        Gateway gw = Gateway.start(Path.of(jar), entryFlags, fake.getValue(), sessions + 100,
            onRedis ? Map.of("REDIS_URL", redisUrl()) : Map.of());
        started.add(gw.process());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
          ids.add(Benchmark.initialize(gw.port(), Benchmark.token(i)));
        }
        names.add(Path.of(jar).getFileName() + (onRedis ? " (Redis)" : "")
            + (extra.isEmpty() ? "" : " " + String.join(" ", extra)));
        processes.add(gw.process());
        generators.add(new LoadGenerator(gw.port(), i -> LoadGenerator.post("/mcp", Benchmark.ACCEPT
            + "Authorization: Bearer " + Benchmark.token(i % sessions) + "\r\nMcp-Session-Id: " + ids.get(i % sessions)
            + "\r\n", callBody), "\"result\":"));
      }
      names.add("reference proxy");
      processes.add(proxy.getKey());
      generators.add(new LoadGenerator(URI.create(proxy.getValue()).getPort(), i -> projectGet, "\"id\":42"));
      for (LoadGenerator g : generators) {
        g.run(concurrency, warmup, warmupRequests);
      }
      int n = generators.size();
      long[] calls = new long[n];
      long[] errors = new long[n];
      long[] cpuNs = new long[n];
      double[] secs = new double[n];
      List<List<Long>> perRound = new ArrayList<>();
      List<List<Double>> p50s = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        perRound.add(new ArrayList<>());
        p50s.add(new ArrayList<>());
      }
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < n; i++) {
          Benchmark.Measured m = Benchmark.Measured.of(generators.get(i), concurrency, processes.get(i));
          calls[i] += m.r().count();
          errors[i] += m.r().errors();
          cpuNs[i] += m.cpuNs()[0];
          secs[i] += m.r().seconds();
          perRound.get(i).add(Math.round(m.usPerCall(0)));
          p50s.get(i).add(m.r().p(50));
        }
        System.out.printf("round %d done, load average %.1f%n", round + 1, BenchProcesses.loadAverage());
      }
      double proxyUs = cpuNs[n - 1] / 1000.0 / calls[n - 1];
      System.out.printf("%nJVM: %s; %d rounds of %d s per target at concurrency %d, in turn; %d cores, load"
          + " average %.1f at the end%n%n", flags.isEmpty() ? "java -jar defaults" : String.join(" ", flags), rounds,
          Integer.getInteger("seconds", 10), concurrency, Runtime.getRuntime().availableProcessors(),
          BenchProcesses.loadAverage());
      System.out.println("| target | calls (errors) | req/s | p50 (median of rounds) | CPU per call | per round (µs)"
          + " | / proxy |");
      System.out.println("|---|---|---|---|---|---|---|");
      for (int i = 0; i < n; i++) {
        double us = cpuNs[i] / 1000.0 / calls[i];
        List<Double> p = new ArrayList<>(p50s.get(i));
        p.sort(null);
        System.out.printf("| %s | %d (%d) | %.0f | %.3f ms | **%.0f µs** | %s | %.2f |%n", names.get(i), calls[i],
            errors[i], calls[i] / secs[i], p.get(p.size() / 2), us, perRound.get(i), us / proxyUs);
      }
    } finally {
      started.forEach(Process::destroy);
    }
  }
}
