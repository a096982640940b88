package dev.gitlabmcp.gateway.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script kept as a resource ({@code redis/NAME.lua}), run by its SHA-1 (EVALSHA) and sent whole
 * once when the server does not know it yet (after a restart or a failover), so the hot path ships
 * only the hash.
 */
final class RedisScripts {

  private static final String INCLUDE = "--#include ";

  private final String source;
  private final String sha;

  private RedisScripts(String source) {
    this.source = source;
    this.sha = sha1(source);
  }

  /**
   * Reads the script; called before any verticle runs (a blocking classpath read). A line
   * {@code --#include NAME} is replaced by {@code redis/lib/NAME.lua}, so scripts share their Lua functions.
   */
  static RedisScripts load(String name) {
    StringBuilder source = new StringBuilder();
    for (String line : read(name).split("\n", -1)) {
      source.append(line.startsWith(INCLUDE) ? read("lib/" + line.substring(INCLUDE.length()).trim()) : line)
          .append('\n');
    }
    return new RedisScripts(source.toString());
  }

  private static String read(String name) {
    try (InputStream in = RedisScripts.class.getResourceAsStream("/redis/" + name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("missing Redis script redis/" + name + ".lua");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Future<Response> run(Redis redis, List<String> keys, List<String> args) {
    return redis.send(request(Command.EVALSHA, sha, keys, args)).recover(err -> {
      String m = err.getMessage();
      return m != null && m.startsWith("NOSCRIPT") ? redis.send(request(Command.EVAL, source, keys, args))
          : Future.failedFuture(err);
    });
  }

  private static Request request(Command cmd, String script, List<String> keys, List<String> args) {
    Request r = Request.cmd(cmd).arg(script).arg(keys.size());
    keys.forEach(r::arg);
    args.forEach(r::arg);
    return r;
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }
}
