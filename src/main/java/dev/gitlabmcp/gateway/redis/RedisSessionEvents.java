package dev.gitlabmcp.gateway.redis;

import dev.gitlabmcp.gateway.mcp.InFlightCalls;
import dev.gitlabmcp.gateway.mcp.LocalSessionEvents;
import dev.gitlabmcp.gateway.mcp.SessionEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session events between replicas over Redis pub/sub: every replica subscribes to one channel and
 * hands each event to its own streams and running calls (a DELETE on one replica closes the stream
 * another holds; a cancel reaches the replica running the call). The subscription reconnects by itself
 * when Redis goes away and comes back; events published while it was down are lost, which is why
 * streams also check at each heartbeat that their session still exists.
 */
public final class RedisSessionEvents extends LocalSessionEvents {

  private static final Logger LOG = LoggerFactory.getLogger(RedisSessionEvents.class);
  static final long RECONNECT_MS = 1_000;

  private final Vertx vertx;
  private final Redis redis;
  private final Redis subscriber;
  private final String channel;
  private final AtomicLong publishFailures = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param redis the shared client (for PUBLISH)
   * @param subscriber a client whose connection is given to SUBSCRIBE (a subscribed connection cannot send commands)
   */
  public RedisSessionEvents(Vertx vertx, InFlightCalls inFlight, Redis redis, Redis subscriber, String prefix) {
    super(vertx, inFlight);
    this.vertx = vertx;
    this.redis = redis;
    this.subscriber = subscriber;
    this.channel = prefix + "events";
  }

  /**
   * Subscribes; the future completes once the first subscription is in place, or at once when Redis
   * cannot be reached (then it keeps trying in the background).
   */
  public Future<Void> start() {
    return subscribe().recover(err -> {
      LOG.warn("redis_events_unavailable error={} retry_ms={}", err.getClass().getSimpleName(), RECONNECT_MS);
      vertx.setTimer(RECONNECT_MS, t -> start());
      return Future.succeededFuture();
    });
  }

  private Future<Void> subscribe() {
    return subscriber.connect().compose(conn -> {
      conn.handler(this::onMessage);
      conn.exceptionHandler(err -> reconnect(conn, "error " + err.getClass().getSimpleName()));
      conn.endHandler(v -> reconnect(conn, "connection closed"));
      return conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).mapEmpty();
    });
  }

  private void reconnect(RedisConnection conn, String why) {
    if (closed) {
      return;
    }
    LOG.warn("redis_events_lost reason=\"{}\" retry_ms={}", why, RECONNECT_MS);
    conn.close();
    vertx.setTimer(RECONNECT_MS, t -> start());
  }

  public void close() {
    closed = true;
  }

  @Override
  public Future<Void> publish(SessionEvent event) {
    return redis.send(Request.cmd(Command.PUBLISH).arg(channel).arg(event.toJson().encode()))
        .<Void>mapEmpty()
        .recover(err -> {
          // Redis is away: this replica's own streams and calls still hear of it.
          publishFailures.incrementAndGet();
          deliver(event);
          return Future.succeededFuture();
        });
  }

  /** Events that could not be published (Redis unreachable) and reached this replica only. */
  public long publishFailures() {
    return publishFailures.get();
  }

  private void onMessage(Response msg) {
    // RESP2 and RESP3 both deliver ["message", channel, payload] for a subscribed channel.
    if (msg == null || msg.size() != 3 || !"message".equals(String.valueOf(msg.get(0)))) {
      return;
    }
    SessionEvent event;
    try {
      event = SessionEvent.fromJson(new JsonObject(msg.get(2).toString()));
    } catch (RuntimeException e) {
      event = null;
    }
    if (event != null) {
      deliver(event);
    }
  }
}
