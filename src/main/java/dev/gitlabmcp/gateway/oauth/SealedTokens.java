package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.state.GrantRecord;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The GitLab side of a grant as one sealed value: per connected instance its user and token pair, as JSON,
 * sealed by the key ring with the grant id as associated data (a sealed value copied onto another grant
 * does not open). The clear JSON exists only inside {@link #seal} and {@link #open}; the opened tokens are kept
 * only by {@link Grants}' per-replica view of the grant (see {@code Grants.opened}).
 */
final class SealedTokens {

  private final KeyRing keyRing;

  SealedTokens(KeyRing keyRing) {
    this.keyRing = keyRing;
  }

  KeyRing.Sealed seal(String grantId, Collection<ConnectedInstance> instances) {
    JsonObject all = new JsonObject();
    for (ConnectedInstance ci : instances) {
      GitLabTokens t = ci.tokens();
      all.put(ci.instance(), new JsonObject().put("userId", ci.userId()).put("username", ci.username())
          .put("accessToken", t.accessToken()).put("refreshToken", t.refreshToken())
          .put("expiresAt", t.expiresAt()).put("scope", t.scope()).put("app", ci.appId()));
    }
    byte[] plain = all.encode().getBytes(StandardCharsets.UTF_8);
    try {
      return keyRing.seal(plain, grantId);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** The connected instances in the grant's order; {@link KeyRing.CannotOpen} when the value does not open. */
  Map<String, ConnectedInstance> open(GrantRecord grant) {
    byte[] plain = keyRing.open(new KeyRing.Sealed(grant.keyId(), grant.sealedTokens()), grant.id());
    JsonObject all;
    try {
      all = new JsonObject(new String(plain, StandardCharsets.UTF_8));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
    Map<String, ConnectedInstance> out = new LinkedHashMap<>();
    for (String name : grant.instances()) {
      JsonObject o = all.getJsonObject(name);
      if (o != null) {
        out.put(name, new ConnectedInstance(name, o.getLong("userId", 0L), o.getString("username", ""),
            new GitLabTokens(o.getString("accessToken"), o.getString("refreshToken"), o.getLong("expiresAt", 0L),
                o.getString("scope", "")), o.getString("app", "")));
      }
    }
    return out;
  }
}
