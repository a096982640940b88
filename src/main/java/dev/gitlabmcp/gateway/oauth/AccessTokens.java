package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.crypto.KeyRing;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The gateway's access tokens: {@code gma_<payload>.<mac>}, the payload base64url JSON {grant, client,
 * scopes, resource, expiry}, the MAC HMAC-SHA-256 under a key derived from the key ring for
 * "access-token". Opaque to clients, never stored, verified without a store round trip: with every key of
 * the ring (newest first) so tokens minted before a key rotation stay valid until they expire.
 */
public final class AccessTokens {

  static final String PREFIX = "gma_";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  /** Far beyond any token we mint; a longer one is refused before any decoding. */
  private static final int MAX_LENGTH = 8192;

  /** What an access token says, once its MAC checked out. */
  public record Claims(String grantId, String clientId, List<String> scopes, String resource, long expiresAt) {

    public Claims {
      scopes = List.copyOf(scopes);
    }

    public boolean expired(long nowMillis) {
      return nowMillis >= expiresAt;
    }
  }

  private final List<SecretKeySpec> keys = new ArrayList<>();
  private final ThreadLocal<Mac[]> macs;

  public AccessTokens(KeyRing keyRing) {
    for (byte[] k : keyRing.derivedKeys("access-token")) {
      keys.add(new SecretKeySpec(k, "HmacSHA256"));
    }
    macs = ThreadLocal.withInitial(this::newMacs);
    newMacs(); // fail at construction, not on an event loop
  }

  /** A new token for these claims, MAC'd with the newest key. */
  public String mint(Claims c) {
    JsonObject p = new JsonObject().put("g", c.grantId()).put("c", c.clientId())
        .put("s", new JsonArray(new ArrayList<>(c.scopes()))).put("r", c.resource()).put("e", c.expiresAt());
    String payload = B64.encodeToString(p.encode().getBytes(StandardCharsets.UTF_8));
    return PREFIX + payload + "." + B64.encodeToString(mac(0, payload));
  }

  /** Whether the text looks like one of ours (cheap; says nothing of validity). */
  public static boolean looksLikeOne(String token) {
    return token != null && token.startsWith(PREFIX);
  }

  /** The claims of a token whose MAC checks out under any key of the ring (expired or not), else null. */
  public Claims verify(String token) {
    if (!looksLikeOne(token) || token.length() > MAX_LENGTH) {
      return null;
    }
    int dot = token.lastIndexOf('.');
    if (dot <= PREFIX.length()) {
      return null;
    }
    String payload = token.substring(PREFIX.length(), dot);
    byte[] given;
    try {
      given = B64D.decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
    for (int i = 0; i < keys.size(); i++) {
      if (MessageDigest.isEqual(mac(i, payload), given)) {
        return parse(payload);
      }
    }
    return null;
  }

  private static Claims parse(String payload) {
    try {
      JsonObject p = new JsonObject(new String(B64D.decode(payload), StandardCharsets.UTF_8));
      List<String> scopes = new ArrayList<>();
      for (Object s : p.getJsonArray("s")) {
        scopes.add((String) s);
      }
      return new Claims(p.getString("g"), p.getString("c"), scopes, p.getString("r"), p.getLong("e"));
    } catch (RuntimeException e) {
      return null; // MAC'd by us, so only a bug or a foreign key could get here
    }
  }

  private byte[] mac(int key, String payload) {
    return macs.get()[key].doFinal(payload.getBytes(StandardCharsets.US_ASCII));
  }

  private Mac[] newMacs() {
    Mac[] out = new Mac[keys.size()];
    try {
      for (int i = 0; i < out.length; i++) {
        out[i] = Mac.getInstance("HmacSHA256");
        out[i].init(keys.get(i));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
    return out;
  }
}
