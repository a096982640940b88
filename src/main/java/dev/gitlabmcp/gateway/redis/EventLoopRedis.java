package dev.gitlabmcp.gateway.redis;

import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.CommandImpl;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A client for one Redis server (standalone mode) that sends each command on a long-lived connection of the
 * caller's event loop, pipelined with that loop's other commands, instead of borrowing a pooled connection per
 * command. A pooled connection may belong to another loop: the command is then written from there and its
 * answer handed back, two thread hops per command, besides the pool's own bookkeeping; on a gateway request
 * that makes two commands this was about half of what Redis added per request.
 *
 * <p>Each loop's connection comes from a client of its own with a pool of one, so after a Redis restart (the
 * connection ends) the next command on that loop opens a new one there. Off an event loop, for commands that
 * change a connection's state (pub/sub, MULTI), and for {@link #connect} and {@link #batch}, the shared pool serves.
 */
final class EventLoopRedis implements Redis {

  /** Event loops that get a connection of their own; a process has a few, more fall back to the pool. */
  static final int MAX_LOOPS = 64;

  private final Vertx vertx;
  private final RedisOptions options;
  private final Redis pooled;
  private final ConcurrentMap<EventLoop, Loop> loops = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** One event loop's client (pool of one) and the connection it currently holds, or is opening. */
  private static final class Loop {

    final Redis client;
    Future<RedisConnection> connection; // read and written on its own event loop only

    Loop(Redis client) {
      this.client = client;
    }
  }

  EventLoopRedis(Vertx vertx, RedisOptions options) {
    this.vertx = vertx;
    this.options = new RedisOptions(options);
    this.pooled = Redis.createClient(vertx, options);
  }

  @Override
  public Future<Response> send(Request request) {
    Loop loop = closed ? null : loopOf(request);
    if (loop == null) {
      return pooled.send(request);
    }
    Future<RedisConnection> c = loop.connection;
    if (c == null) {
      c = open(loop);
    }
    if (c.succeeded()) {
      return c.result().send(request);
    }
    return c.compose(conn -> conn.send(request));
  }

  /** The calling event loop's entry, or null when this command goes to the pool. */
  private Loop loopOf(Request request) {
    ContextInternal ctx = (ContextInternal) Vertx.currentContext();
    if (ctx == null || !ctx.isEventLoopContext() || ctx.owner() != vertx) {
      return null;
    }
    CommandImpl cmd = (CommandImpl) request.command();
    if (cmd.isPubSub() || cmd.isTransactional()) {
      return null;
    }
    EventLoop key = ctx.nettyEventLoop();
    Loop loop = loops.get(key);
    if (loop == null && loops.size() < MAX_LOOPS) {
      loop = loops.computeIfAbsent(key, k -> new Loop(Redis.createClient(vertx,
          new RedisOptions(options).setMaxPoolSize(1))));
    }
    return loop;
  }

  /**
   * Opens the loop's connection; commands sent meanwhile wait for it. It is forgotten when it ends or fails,
   * and so is a failed attempt: the next command tries again.
   */
  private Future<RedisConnection> open(Loop loop) {
    Promise<RedisConnection> opened = Promise.promise();
    Future<RedisConnection> f = opened.future();
    loop.connection = f;
    // Opened from the loop's own context, not a request's: the connection outlives the request.
    ((ContextInternal) Vertx.currentContext()).unwrap().runOnContext(v -> loop.client.connect().onComplete(ar -> {
      if (ar.failed()) {
        forget(loop, f);
        opened.fail(ar.cause());
        return;
      }
      RedisConnection conn = ar.result();
      conn.endHandler(end -> drop(loop, f, conn));
      conn.exceptionHandler(err -> drop(loop, f, conn));
      opened.complete(conn);
    }));
    return f;
  }

  private static void forget(Loop loop, Future<RedisConnection> f) {
    if (loop.connection == f) {
      loop.connection = null;
    }
  }

  /** The connection ended or broke: its lease goes back to the loop's pool, which lets a dead one go. */
  private static void drop(Loop loop, Future<RedisConnection> f, RedisConnection conn) {
    forget(loop, f);
    conn.close();
  }

  @Override
  public Future<RedisConnection> connect() {
    return pooled.connect();
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    return pooled.batch(commands);
  }

  @Override
  public Future<Void> close() {
    closed = true;
    List<Future<Void>> all = new ArrayList<>();
    loops.values().forEach(loop -> all.add(loop.client.close()));
    loops.clear();
    all.add(pooled.close());
    return Future.join(all).mapEmpty();
  }
}
