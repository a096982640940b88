package dev.gitlabmcp.gateway.redis;

import dev.gitlabmcp.gateway.auth.Identity;
import dev.gitlabmcp.gateway.auth.SharedIdentities;
import dev.gitlabmcp.gateway.gitlab.Credential;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verified identities in Redis, keyed by HMAC-SHA-256 of the token under a key the replicas share (made
 * once by the first replica, kept in Redis with a long TTL). A reader of Redis sees user ids and hashes
 * it cannot turn back into tokens; a token is never written.
 */
public final class RedisIdentities implements SharedIdentities {

  static final long KEY_TTL_MS = 30L * 24 * 3600 * 1000;
  private static final ThreadLocal<Mac> MACS = new ThreadLocal<>();

  private final Redis redis;
  private final String prefix;
  private final long ttlMillis;
  private volatile byte[] hmacKey;

  /**
   * @param ttlSeconds GITLAB_TOKEN_CACHE_SECONDS; 0 shares nothing
   */
  public RedisIdentities(Redis redis, String prefix, int ttlSeconds) {
    this.redis = redis;
    this.prefix = prefix + "{auth}:";
    this.ttlMillis = ttlSeconds * 1000L;
  }

  /** Agrees on the shared HMAC key: the first replica's random key wins (SET NX), every replica reads it. */
  public Future<Void> start() {
    byte[] mine = new byte[32];
    new SecureRandom().nextBytes(mine);
    String key = prefix + "hmac-key";
    return redis.send(Request.cmd(Command.SET).arg(key).arg(Base64.getEncoder().encodeToString(mine)).arg("NX")
            .arg("PX").arg(KEY_TTL_MS))
        .compose(r -> redis.send(Request.cmd(Command.GET).arg(key)))
        .map(r -> {
          hmacKey = r == null ? null : Base64.getDecoder().decode(r.toString());
          return (Void) null;
        })
        .otherwise(err -> null); // Redis away at start: the cache stays off until a later start
  }

  @Override
  public Future<Identity> get(String instance, Credential credential) {
    String key = key(instance, credential);
    if (key == null) {
      return Future.succeededFuture();
    }
    return redis.send(Request.cmd(Command.GET).arg(key)).map(r -> {
      if (r == null) {
        return null;
      }
      JsonObject o = new JsonObject(r.toString());
      return new Identity(o.getLong("id"), o.getString("username", ""));
    }).otherwise(err -> null);
  }

  @Override
  public void put(String instance, Credential credential, Identity identity) {
    String key = key(instance, credential);
    if (key != null) {
      redis.send(Request.cmd(Command.SET).arg(key).arg(new JsonObject().put("id", identity.userId())
          .put("username", identity.username()).encode()).arg("PX").arg(ttlMillis));
    }
  }

  private String key(String instance, Credential credential) {
    byte[] k = hmacKey;
    if (k == null || ttlMillis <= 0 || credential.kind() == Credential.Kind.NONE) {
      return null;
    }
    try {
      Mac mac = MACS.get();
      if (mac == null) {
        mac = Mac.getInstance("HmacSHA256");
        MACS.set(mac);
      }
      mac.init(new SecretKeySpec(k, "HmacSHA256"));
      mac.update((byte) credential.kind().ordinal());
      byte[] digest = mac.doFinal(credential.secret().reveal().getBytes(StandardCharsets.UTF_8));
      return prefix + instance + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      return null;
    }
  }
}
