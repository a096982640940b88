package dev.gitlabmcp.gateway.redis;

import dev.gitlabmcp.gateway.state.ClientRecord;
import dev.gitlabmcp.gateway.state.ConsentRecord;
import dev.gitlabmcp.gateway.state.GrantRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The OAuth records as the JSON values the Redis stores keep. They hold what the records hold: sealed
 * blobs and keyed hashes, never a token in clear.
 */
final class OAuthRecords {

  private OAuthRecords() {
  }

  static String encode(GrantRecord g) {
    return new JsonObject().put("id", g.id()).put("subject", g.subject()).put("username", g.username())
        .put("client", g.clientId()).put("scopes", new JsonArray(g.scopes())).put("resource", g.resource())
        .put("instances", new JsonArray(g.instances())).put("kid", g.keyId()).put("sealed", g.sealedTokens())
        .put("refresh", g.refreshHash()).put("spent", new JsonArray(g.spentRefreshHashes()))
        .put("version", g.version()).put("created", g.createdAt()).put("expires", g.expiresAt()).encode();
  }

  static GrantRecord grant(String json) {
    JsonObject o = new JsonObject(json);
    return new GrantRecord(o.getString("id"), o.getString("subject"), o.getString("username"),
        o.getString("client"), strings(o, "scopes"), o.getString("resource"), strings(o, "instances"),
        o.getString("kid"), o.getString("sealed"), o.getString("refresh"), strings(o, "spent"),
        o.getLong("version"), o.getLong("created"), o.getLong("expires"));
  }

  static String encode(ClientRecord c) {
    return new JsonObject().put("id", c.clientId()).put("name", c.clientName())
        .put("redirects", new JsonArray(c.redirectUris())).put("auth", c.tokenEndpointAuthMethod())
        .put("secretHash", c.secretHash()).put("type", c.applicationType()).put("created", c.createdAt()).encode();
  }

  static ClientRecord client(String json) {
    JsonObject o = new JsonObject(json);
    return new ClientRecord(o.getString("id"), o.getString("name"), strings(o, "redirects"), o.getString("auth"),
        o.getString("secretHash"), o.getString("type"), o.getLong("created"));
  }

  static String encode(ConsentRecord c) {
    return new JsonObject().put("subject", c.subject()).put("client", c.clientId()).put("redirect", c.redirectUri())
        .put("scopes", new JsonArray(c.scopes())).put("instances", new JsonArray(c.instances()))
        .put("created", c.createdAt()).encode();
  }

  static ConsentRecord consent(String json) {
    JsonObject o = new JsonObject(json);
    return new ConsentRecord(o.getString("subject"), o.getString("client"), o.getString("redirect"),
        strings(o, "scopes"), strings(o, "instances"), o.getLong("created"));
  }

  private static List<String> strings(JsonObject o, String field) {
    List<String> out = new ArrayList<>();
    o.getJsonArray(field, new JsonArray()).forEach(v -> out.add(String.valueOf(v)));
    return out;
  }
}
