package dev.gitlabmcp.gateway.redis;

import dev.gitlabmcp.gateway.state.ConsentRecord;
import dev.gitlabmcp.gateway.state.ConsentStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * {@link ConsentStore} in Redis: one key per (subject, client), kept {@code ttlMillis} after it was given
 * or last used (GETEX refreshes it on every read), so a consent nobody uses any more lapses by itself.
 * One key per operation: no hash tag needed on Cluster.
 */
public final class RedisConsentStore implements ConsentStore {

  /** How long an unused consent is remembered. */
  public static final long DEFAULT_TTL_MS = 180L * 24 * 3600 * 1000;

  private final Redis redis;
  private final String prefix;
  private final long ttlMillis;

  /** @param prefix REDIS_KEY_PREFIX */
  public RedisConsentStore(Redis redis, String prefix, long ttlMillis) {
    if (ttlMillis <= 0) {
      throw new IllegalArgumentException("a consent's time to live must be positive");
    }
    this.redis = redis;
    this.prefix = prefix + "oauth:consent:";
    this.ttlMillis = ttlMillis;
  }

  public RedisConsentStore(Redis redis, String prefix) {
    this(redis, prefix, DEFAULT_TTL_MS);
  }

  /** Both parts encoded, so no subject or client id can make two pairs share a key. */
  private String key(String subject, String clientId) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return prefix + b64.encodeToString(subject.getBytes(StandardCharsets.UTF_8)) + ":"
        + b64.encodeToString(clientId.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public Future<Void> put(ConsentRecord consent) {
    return redis.send(Request.cmd(Command.SET).arg(key(consent.subject(), consent.clientId()))
        .arg(OAuthRecords.encode(consent)).arg("PX").arg(ttlMillis)).mapEmpty();
  }

  @Override
  public Future<ConsentRecord> get(String subject, String clientId) {
    if (subject == null || clientId == null) {
      return Future.succeededFuture();
    }
    return redis.send(Request.cmd(Command.GETEX).arg(key(subject, clientId)).arg("PX").arg(ttlMillis))
        .map(r -> r == null ? null : OAuthRecords.consent(r.toString()));
  }

  @Override
  public Future<Boolean> remove(String subject, String clientId) {
    if (subject == null || clientId == null) {
      return Future.succeededFuture(false);
    }
    return redis.send(Request.cmd(Command.DEL).arg(key(subject, clientId))).map(r -> r.toInteger() == 1);
  }
}
