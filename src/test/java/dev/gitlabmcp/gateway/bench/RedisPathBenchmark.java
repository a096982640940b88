package dev.gitlabmcp.gateway.bench;

import dev.gitlabmcp.gateway.config.RedisTopology;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.mcp.ProtocolVersions;
import dev.gitlabmcp.gateway.mcp.SessionState;
import dev.gitlabmcp.gateway.redis.RedisClients;
import dev.gitlabmcp.gateway.redis.RedisRateLimiter;
import dev.gitlabmcp.gateway.redis.RedisSessionStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The Redis work of one session request, measured alone: the session read, then the window charge and the
 * touch as two scripts (the touch not awaited, as before) or as one ({@code chargeAndTouch}). Blocks of each
 * alternate so machine noise falls on both. Reports p50/p99 per request and CPU per request (this JVM plus
 * redis-server, from INFO cpu). Run: {@code java -cp <test classpath> dev.gitlabmcp.gateway.bench.RedisPathBenchmark
 * redis://127.0.0.1:6379 [requests per block] [concurrency]}.
 */
public final class RedisPathBenchmark {

  private RedisPathBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    String url = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
    int block = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, RedisClients.options(url, RedisTopology.STANDALONE));
    String prefix = "bench-path-" + ProcessHandle.current().pid() + ":";
    RedisSessionStore store = new RedisSessionStore(redis, prefix, 3_600_000, System::currentTimeMillis);
    RateLimiter limiter = new RedisRateLimiter(redis, prefix);
    SessionState[] sessions = new SessionState[concurrency];
    for (int i = 0; i < concurrency; i++) {
      sessions[i] = SessionState.create("bench-" + i, ProtocolVersions.LATEST, "bench", "user:" + i, "default",
          System.currentTimeMillis());
      await(store.create(sessions[i], 1000, 1000));
    }
    Step before = s -> store.get(s.id()).compose(x -> limiter.acquire("s:" + s.id(), Integer.MAX_VALUE, 1))
        .map(d -> {
          store.touch(s);
          return null;
        });
    Step after = s -> store.get(s.id()).compose(x -> store.chargeAndTouch(s, limiter, Integer.MAX_VALUE, 1))
        .mapEmpty();
    Stats a = new Stats();
    Stats b = new Stats();
    run(vertx, redis, sessions, before, block, new Stats()); // warm-up
    run(vertx, redis, sessions, after, block, new Stats());
    for (int round = 0; round < 4; round++) {
      run(vertx, redis, sessions, before, block, a);
      run(vertx, redis, sessions, after, block, b);
    }
    System.out.printf("Redis work per session request, %d requests each, concurrency %d, load average %s%n",
        a.count, concurrency, java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
    System.out.println("| variant | p50 | p99 | CPU per request (JVM + redis-server) |");
    System.out.println("|---|---|---|---|");
    a.print("read, window script, touch script (not awaited)");
    b.print("read, one script (window + touch)");
    redis.close();
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

  private static void run(Vertx vertx, Redis redis, SessionState[] sessions, Step step, int n, Stats stats)
      throws Exception {
    long[] lat = new long[n];
    long redis0 = redisCpuMicros(redis);
    long cpu0 = processCpuNs();
    Promise<Void> done = Promise.promise();
    int[] next = {0};
    int[] completed = {0};
    vertx.runOnContext(v -> {
      for (SessionState s : sessions) {
        chain(step, s, lat, next, completed, done);
      }
    });
    done.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    // Let the unawaited touches land before the CPU is read.
    Thread.sleep(50);
    stats.add(lat, processCpuNs() - cpu0, redisCpuMicros(redis) - redis0);
  }

  /** One of {@code concurrency} request chains: the next request starts when the last one is answered. */
  private static void chain(Step step, SessionState s, long[] lat, int[] next, int[] completed, Promise<Void> done) {
    int i = next[0]++;
    if (i >= lat.length) {
      return;
    }
    long t0 = System.nanoTime();
    step.apply(s).onComplete(ar -> {
      lat[i] = System.nanoTime() - t0;
      if (++completed[0] == lat.length) {
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
