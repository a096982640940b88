package dev.gitlabmcp.gateway.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.RedisTopology;
import dev.gitlabmcp.gateway.testing.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The shared client on one Redis server: one connection per event loop, opened again after a restart. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EventLoopRedisTest {

  private final Vertx vertx = Vertx.vertx();
  private TestRedis own;

  @AfterEach
  void close() {
    vertx.close();
    if (own != null) {
      own.stop();
    }
  }

  private Context loop() {
    return ((VertxInternal) vertx).contextBuilder().withThreadingModel(ThreadingModel.EVENT_LOOP).build();
  }

  /** {@code n} commands sent at once from the loop, as concurrent requests of a verticle send them. */
  private static List<Response> burst(Context ctx, Redis redis, int n) throws Exception {
    Promise<List<Response>> done = Promise.promise();
    ctx.runOnContext(v -> {
      List<Future<Response>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(redis.send(Request.cmd(Command.INCR).arg("counter")));
      }
      Future.all(all).map(f -> f.<Response>list()).onComplete(done);
    });
    return done.future().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private int connections() throws Exception {
    Redis probe = Redis.createClient(vertx, own.url());
    try {
      String list = probe.send(Request.cmd(Command.CLIENT).arg("LIST")).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).toString();
      return (int) list.lines().filter(l -> !l.contains("cmd=client")).count();
    } finally {
      probe.close();
    }
  }

  @Test
  void should_send_each_loop_s_commands_over_one_connection_of_its_own() throws Exception {
    own = TestRedis.startOwn();
    Redis redis = RedisClients.create(vertx, RedisClients.options(own.url(), RedisTopology.STANDALONE));
    assertEquals(200, burst(loop(), redis, 200).size());
    assertEquals(200, burst(loop(), redis, 200).size());
    assertEquals(2, connections(), "two loops, two connections, however many commands were in flight");
  }

  @Test
  void should_connect_again_after_redis_restarts() throws Exception {
    own = TestRedis.startOwn();
    Redis redis = RedisClients.create(vertx, RedisClients.options(own.url(), RedisTopology.STANDALONE));
    Context ctx = loop();
    burst(ctx, redis, 10);
    own = own.restart();
    boolean back = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!back && System.nanoTime() < deadline) {
      try {
        back = burst(ctx, redis, 1).get(0).toLong() == 1;
      } catch (Exception notYet) {
        Thread.sleep(100);
      }
    }
    assertTrue(back, "the loop's next command after the restart reaches the new server");
    assertEquals(1, connections());
  }
}
