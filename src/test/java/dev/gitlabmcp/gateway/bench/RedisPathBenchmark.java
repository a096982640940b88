package dev.gitlabmcp.gateway.bench;

import dev.gitlabmcp.gateway.config.RedisTopology;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.mcp.ProtocolVersions;
import dev.gitlabmcp.gateway.mcp.SessionState;
import dev.gitlabmcp.gateway.redis.RedisClients;
import dev.gitlabmcp.gateway.redis.RedisRateLimiter;
import dev.gitlabmcp.gateway.redis.RedisSessionStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;

/**
 * The Redis work of one session request, measured alone: the session read then one script for the window and
 * the touch ({@code get} + {@code chargeAndTouch}), or one script for all three ({@code getAndCharge}); each over
 * pooled connections (the client's pool, a connection borrowed per command) and over one connection per event
 * loop ({@link RedisClients#create}). Request chains run on several event loops, as the gateway's HTTP
 * verticles do. Blocks of each variant alternate so machine noise falls on all. Reports p50/p99 per request
 * and CPU per request (this JVM plus redis-server, from INFO cpu). Run: {@code java -cp <test classpath>
 * dev.gitlabmcp.gateway.bench.RedisPathBenchmark redis://127.0.0.1:6379 [requests per block] [concurrency]
 * [event loops]}.
 */
public final class RedisPathBenchmark {

  private RedisPathBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    String url = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
    int block = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int loops = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    Vertx vertx = Vertx.vertx();
    RedisOptions options = RedisClients.options(url, RedisTopology.STANDALONE);
    Redis pooled = Redis.createClient(vertx, options);
    Redis perLoop = RedisClients.create(vertx, options);
    String prefix = "bench-path-" + ProcessHandle.current().pid() + ":";
    RedisSessionStore pooledStore = new RedisSessionStore(pooled, prefix, 3_600_000, System::currentTimeMillis);
    RedisSessionStore loopStore = new RedisSessionStore(perLoop, prefix, 3_600_000, System::currentTimeMillis);
    RateLimiter limiter = new RedisRateLimiter(pooled, prefix);
    SessionState[] sessions = new SessionState[concurrency];
    for (int i = 0; i < concurrency; i++) {
      sessions[i] = SessionState.create("bench-" + i, ProtocolVersions.LATEST, "bench", "user:" + i, "default",
          System.currentTimeMillis());
      await(pooledStore.create(sessions[i], 1000, 1000));
    }
    // The gateway's HTTP verticles run on several event loops: so do the request chains here.
    Context[] contexts = new Context[loops];
    for (int i = 0; i < loops; i++) {
      contexts[i] = ((VertxInternal) vertx).contextBuilder().withThreadingModel(ThreadingModel.EVENT_LOOP).build();
    }
    Map<String, Step> variants = new LinkedHashMap<>();
    variants.put("pooled connections: read, then one script (window + touch)", s -> pooledStore.get(s.id())
        .compose(x -> pooledStore.chargeAndTouch(s, limiter, Integer.MAX_VALUE, 1)).mapEmpty());
    variants.put("a connection per event loop: read, then one script (window + touch)", s -> loopStore.get(s.id())
        .compose(x -> loopStore.chargeAndTouch(s, limiter, Integer.MAX_VALUE, 1)).mapEmpty());
    variants.put("pooled connections: one script (read + window + touch)", s -> pooledStore
        .getAndCharge(s.id(), limiter, Integer.MAX_VALUE, 1).mapEmpty());
    variants.put("a connection per event loop: one script (read + window + touch)", s -> loopStore
        .getAndCharge(s.id(), limiter, Integer.MAX_VALUE, 1).mapEmpty());
    Map<String, Stats> stats = new LinkedHashMap<>();
    for (var v : variants.entrySet()) {
      run(pooled, contexts, sessions, v.getValue(), block, new Stats()); // warm-up
      stats.put(v.getKey(), new Stats());
    }
    for (int round = 0; round < 4; round++) {
      for (var v : variants.entrySet()) {
        run(pooled, contexts, sessions, v.getValue(), block, stats.get(v.getKey()));
      }
    }
    System.out.printf("Redis work per session request, %d requests each, concurrency %d on %d event loops, load"
        + " average %s%n", stats.values().iterator().next().count, concurrency, loops,
        java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
    System.out.println("| variant | p50 | p99 | CPU per request (JVM + redis-server) |");
    System.out.println("|---|---|---|---|");
    stats.forEach((name, st) -> st.print(name));
    perLoop.close();
    pooled.close();
    vertx.close();
  }

  interface Step {
    Future<Void> apply(SessionState s);
  }

  static final class Stats {
    long[] lat = new long[0];
    int count;
    long jvmCpuNs;
    long redisCpuUs;

    void add(long[] more, long jvm, long redisUs) {
      lat = Arrays.copyOf(lat, count + more.length);
      System.arraycopy(more, 0, lat, count, more.length);
      count += more.length;
      jvmCpuNs += jvm;
      redisCpuUs += redisUs;
    }

    void print(String name) {
      long[] sorted = lat.clone();
      Arrays.sort(sorted);
      System.out.printf("| %s | %.3f ms | %.3f ms | %.1f µs + %.1f µs |%n", name, sorted[count / 2] / 1e6,
          sorted[(int) (count * 0.99)] / 1e6, jvmCpuNs / 1e3 / count, (double) redisCpuUs / count);
    }
  }

  private static void run(Redis redis, Context[] contexts, SessionState[] sessions, Step step, int n, Stats stats)
      throws Exception {
    long[] lat = new long[n];
    long redis0 = redisCpuMicros(redis);
    long cpu0 = processCpuNs();
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    for (int i = 0; i < sessions.length; i++) {
      SessionState s = sessions[i];
      contexts[i % contexts.length].runOnContext(v -> chain(step, s, lat, next, completed, done));
    }
    done.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    stats.add(lat, processCpuNs() - cpu0, redisCpuMicros(redis) - redis0);
  }

  /** One of {@code concurrency} request chains: the next request starts when the last one is answered. */
  private static void chain(Step step, SessionState s, long[] lat, AtomicInteger next, AtomicInteger completed,
                            Promise<Void> done) {
    int i = next.getAndIncrement();
    if (i >= lat.length) {
      return;
    }
    long t0 = System.nanoTime();
    step.apply(s).onComplete(ar -> {
      lat[i] = System.nanoTime() - t0;
      if (completed.incrementAndGet() == lat.length) {
        done.complete();
      }
      chain(step, s, lat, next, completed, done);
    });
  }

  private static long processCpuNs() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long redisCpuMicros(Redis redis) throws Exception {
    String info = redis.send(Request.cmd(Command.INFO).arg("cpu")).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).toString();
    double total = 0;
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
        total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return (long) (total * 1e6);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
