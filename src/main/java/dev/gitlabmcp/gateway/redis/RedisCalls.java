package dev.gitlabmcp.gateway.redis;

import dev.gitlabmcp.gateway.state.StoreUnavailable;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bound every OAuth store call to Redis runs under: an answer within {@link #TIMEOUT_MS}, and Redis
 * away (refused, closed, silent) reported as {@link StoreUnavailable}, which the caller answers with a 503;
 * the client reconnects by itself. An error reply of Redis itself (a wrong command) passes as it is.
 */
final class RedisCalls {

  /** Longest an OAuth store call waits for a pooled connection and Redis's answer. */
  static final long TIMEOUT_MS = 5_000;

  private RedisCalls() {
  }

  static Future<Response> send(Redis redis, Request request) {
    return bounded(redis.send(request));
  }

  static Future<Response> run(RedisScripts script, Redis redis, List<String> keys, List<String> args) {
    return bounded(script.run(redis, keys, args));
  }

  static <T> Future<T> bounded(Future<T> call) {
    return call.timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).recover(err -> Future.failedFuture(
        err instanceof ErrorType ? err : new StoreUnavailable("Redis", err)));
  }
}
