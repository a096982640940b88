package dev.gitlabmcp.gateway.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.DatabaseUrl;
import dev.gitlabmcp.gateway.pg.Database;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestPostgres;
import dev.gitlabmcp.gateway.testing.TestRedis;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * After a whole sign-in on a gateway with PostgreSQL and Redis (tokens issued, a tool called, the gateway
 * token refreshed), every table row and every Redis key and value is read back raw: no GitLab token, no
 * gateway token or code, no GitLab application secret and no encryption key appears anywhere in clear.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StorageAtRestTest {

  @Test
  void should_keep_no_secret_in_clear_in_any_table_or_redis_key() {
    String databaseUrl = TestPostgres.get().freshDatabase();
    String prefix = TestRedis.freshPrefix();
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("store.databaseUrl", databaseUrl);
    settings.put("store.redisUrl", TestRedis.get().url());
    settings.put("store.redisKeyPrefix", prefix);
    OAuthFixture f = OAuthFixture.gateway(settings);
    List<String> secrets = new ArrayList<>(List.of(GitLabOAuthStub.ACCESS, GitLabOAuthStub.REFRESH,
        GitLabOAuthStub.APP_SECRET, dev.gitlabmcp.gateway.testing.TestGateway.ENCRYPTION_KEY));
    try {
      f.gitlab.project();
      String client = f.registerClient();
      String code = OAuthFixture.query(f.signIn(client).getHeader("Location")).get("code");
      secrets.add(code);
      JsonObject tokens = f.token(f.codeExchange(client, code)).bodyAsJsonObject();
      secrets.add(tokens.getString("access_token"));
      secrets.add(tokens.getString("refresh_token"));

      Map<String, String> headers = RawMcp.postHeaders();
      headers.put("Authorization", "Bearer " + tokens.getString("access_token"));
      HttpResponse<String> call = new RawMcp(f.resource()).post(headers, new JsonObject().put("jsonrpc", "2.0")
          .put("id", 1).put("method", "tools/call").put("params", new JsonObject().put("name", "get_project")
              .put("arguments", new JsonObject().put("project_id", "group/project"))).encode());
      HttpResponse<String> modern = call;
      if (call.statusCode() != 200) { // a 2025 client opens a session first
        HttpResponse<String> init = new RawMcp(f.resource()).post(headers, RawMcp.initializeBody("2025-11-25"));
        assertEquals(200, init.statusCode(), init.body());
        headers.put("Mcp-Session-Id", init.headers().firstValue("Mcp-Session-Id").orElseThrow());
        modern = new RawMcp(f.resource()).post(headers, new JsonObject().put("jsonrpc", "2.0").put("id", 2)
            .put("method", "tools/call").put("params", new JsonObject().put("name", "get_project")
                .put("arguments", new JsonObject().put("project_id", "group/project"))).encode());
      }
      assertEquals(200, modern.statusCode(), modern.body());
      assertTrue(RawMcp.text(RawMcp.lastMessage(modern)).contains("group/project"), modern.body());

      JsonObject refreshed = f.token(MultiMap.caseInsensitiveMultiMap().add("grant_type", "refresh_token")
          .add("refresh_token", tokens.getString("refresh_token")).add("client_id", client)).bodyAsJsonObject();
      assertTrue(refreshed.containsKey("access_token"), refreshed.encode());
      secrets.add(refreshed.getString("access_token"));
      secrets.add(refreshed.getString("refresh_token"));

      String[] dump = {""};
      // The audit log is written in batches off the request path: wait for the call's row.
      dev.gitlabmcp.gateway.testing.Poll.until(() -> (dump[0] = dumpTables(databaseUrl)).contains("get_project"),
          "the audit row of the call");
      String tables = dump[0];
      String auditRow = tables.lines().filter(l -> l.startsWith("audit_log:")).findFirst().orElseThrow();
      assertTrue(auditRow.contains(",alice,") && auditRow.contains(client) && auditRow.contains(",ok,"),
          "the audit row names the user and the OAuth client: " + auditRow);
      String redis = dumpRedis(prefix);
      assertTrue(tables.contains(client), "the registered client and its grant are in PostgreSQL");
      assertFalse(redis.isEmpty(), "sessions and OAuth transients are in Redis");
      for (String secret : secrets) {
        assertFalse(tables.contains(secret), "a secret in a table: " + secret.substring(0, 6) + "...");
        assertFalse(redis.contains(secret), "a secret in Redis: " + secret.substring(0, 6) + "...");
      }
    } finally {
      f.close();
    }
  }

  /** Every row of every table of the database, as PostgreSQL's text form of the row. */
  private static String dumpTables(String url) {
    Vertx vertx = Vertx.vertx();
    try {
      Database db = Database.open(vertx, DatabaseUrl.parse(url), 2);
      StringBuilder out = new StringBuilder();
      for (Row t : OAuthFixture.await(db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
          Tuple.tuple()))) {
        String table = t.getString(0);
        for (Row r : OAuthFixture.await(db.query("SELECT t::text FROM \"" + table + "\" t", Tuple.tuple()))) {
          out.append(table).append(": ").append(r.getString(0)).append('\n');
        }
      }
      OAuthFixture.await(db.close());
      return out.toString();
    } finally {
      vertx.close();
    }
  }

  /** Every key under the prefix with its value, whatever its type. */
  private static String dumpRedis(String prefix) {
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, TestRedis.get().url());
    try {
      StringBuilder out = new StringBuilder();
      String cursor = "0";
      do {
        Response page = OAuthFixture.await(redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH")
            .arg("*" + prefix + "*").arg("COUNT").arg(1000)));
        cursor = page.get(0).toString();
        for (Response key : page.get(1)) {
          String k = key.toString();
          String type = OAuthFixture.await(redis.send(Request.cmd(Command.TYPE).arg(k))).toString();
          Request read = switch (type) {
            case "string" -> Request.cmd(Command.GET).arg(k);
            case "hash" -> Request.cmd(Command.HGETALL).arg(k);
            case "set" -> Request.cmd(Command.SMEMBERS).arg(k);
            case "zset" -> Request.cmd(Command.ZRANGE).arg(k).arg(0).arg(-1);
            case "list" -> Request.cmd(Command.LRANGE).arg(k).arg(0).arg(-1);
            default -> null;
          };
          Response value = read == null ? null : OAuthFixture.await(redis.send(read));
          out.append(k).append(" = ").append(value).append('\n');
        }
      } while (!"0".equals(cursor));
      return out.toString();
    } finally {
      redis.close();
      vertx.close();
    }
  }
}
