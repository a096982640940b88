package dev.gitlabmcp.gateway.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that seal secrets at rest: AES-256-GCM with a random 96-bit nonce, each sealed value tagged
 * with the id of the key that sealed it, so older keys keep opening what they sealed while the newest
 * seals everything written from now on (rotation). The same keys derive the HMAC keys of keyed hashes
 * (gateway-issued tokens and codes are stored only as those), each hash tagged with its key id too.
 *
 * <p>A key id is derived from the key itself (not secret: a hash prefix), so operators never name keys.
 */
public final class KeyRing {

  /** A value sealed under one key: {@code text} is base64url(nonce || ciphertext || tag). */
  public record Sealed(String keyId, String text) {
  }

  /** A sealed value (or hash) names a key the ring no longer holds, or was tampered with. */
  public static final class CannotOpen extends RuntimeException {
    public CannotOpen(String message) {
      super(message, null, false, false);
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;

  private final String newest;
  private final Map<String, byte[]> keys;
  private final Map<String, byte[]> macKeys;
  private final boolean ephemeral;

  private KeyRing(List<byte[]> newestFirst, boolean ephemeral) {
    if (newestFirst.isEmpty()) {
      throw new IllegalArgumentException("a key ring needs at least one key");
    }
    Map<String, byte[]> k = new LinkedHashMap<>();
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (byte[] key : newestFirst) {
      if (key.length != 32) {
        throw new IllegalArgumentException("an encryption key is 32 bytes (base64 of 32 random bytes), got "
            + key.length);
      }
      String id = idOf(key);
      k.putIfAbsent(id, key.clone());
      m.putIfAbsent(id, derive(key, "keyed-hash"));
    }
    this.newest = idOf(newestFirst.get(0));
    this.keys = Map.copyOf(k);
    this.macKeys = Map.copyOf(m);
    this.ephemeral = ephemeral;
  }

  /** A ring of configured keys, the newest (which seals) first. */
  public static KeyRing of(List<byte[]> newestFirst) {
    return new KeyRing(newestFirst, false);
  }

  /** A ring of base64 keys (GATEWAY_ENCRYPTION_KEY first, then older ones). */
  public static KeyRing ofBase64(List<String> newestFirst) {
    List<byte[]> raw = new ArrayList<>();
    for (String s : newestFirst) {
      try {
        raw.add(Base64.getDecoder().decode(s.trim()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("an encryption key must be base64 (of 32 random bytes)");
      }
    }
    return new KeyRing(raw, false);
  }

  /** A random key for this process only (memory stores die with the process, so may what they seal). */
  public static KeyRing forThisProcess() {
    return new KeyRing(List.of(generate()), true);
  }

  /** 32 random bytes. */
  public static byte[] generate() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return key;
  }

  public static String idOf(byte[] key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(concat("gitlab-mcp-gateway key id\n".getBytes(
          StandardCharsets.UTF_8), key));
      return "k" + HexFormat.of().formatHex(d, 0, 4);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The id of the key that seals new values. */
  public String newestKeyId() {
    return newest;
  }

  public List<String> keyIds() {
    return List.copyOf(keys.keySet());
  }

  public boolean holds(String keyId) {
    return keys.containsKey(keyId);
  }

  /** True for a process-only random key (no GATEWAY_ENCRYPTION_KEY). */
  public boolean isEphemeral() {
    return ephemeral;
  }

  /**
   * Seals {@code plain} under the newest key. {@code context} (for instance the grant id) is bound as
   * associated data: the sealed text opens only with the same context, so it cannot be moved to another record.
   */
  public Sealed seal(byte[] plain, String context) {
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.get(newest), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(newest, context));
      byte[] out = concat(nonce, c.doFinal(plain));
      return new Sealed(newest, Base64.getUrlEncoder().withoutPadding().encodeToString(out));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing failed", e);
    }
  }

  /** Opens a value sealed by {@link #seal} with the same context; {@link CannotOpen} when it cannot. */
  public byte[] open(Sealed sealed, String context) {
    byte[] key = keys.get(sealed.keyId());
    if (key == null) {
      throw new CannotOpen("sealed under key " + sealed.keyId() + ", which this gateway no longer holds");
    }
    try {
      byte[] in = Base64.getUrlDecoder().decode(sealed.text());
      if (in.length < NONCE + TAG_BITS / 8) {
        throw new CannotOpen("sealed value too short");
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, in, 0, NONCE));
      c.updateAAD(aad(sealed.keyId(), context));
      return c.doFinal(in, NONCE, in.length - NONCE);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new CannotOpen("sealed value does not open (altered, or moved from another record)");
    }
  }

  /**
   * A keyed hash of a gateway-issued secret (token, code), tagged with the key id: {@code "<keyId>.<hex>"}.
   * {@code purpose} separates kinds ("refresh", "code", "client-secret") so a hash of one never matches another.
   */
  public String hash(String purpose, String secret) {
    return newest + "." + HexFormat.of().formatHex(mac(macKeys.get(newest), purpose, secret));
  }

  /** Whether {@code secret} hashes to {@code stored} (made by {@link #hash}, under any key still held). */
  public boolean matches(String purpose, String secret, String stored) {
    if (stored == null || secret == null) {
      return false;
    }
    int dot = stored.indexOf('.');
    byte[] macKey = dot < 0 ? null : macKeys.get(stored.substring(0, dot));
    if (macKey == null) {
      return false;
    }
    byte[] expected = mac(macKey, purpose, secret);
    byte[] given;
    try {
      given = HexFormat.of().parseHex(stored, dot + 1, stored.length());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(expected, given);
  }

  /** A 32-byte key for {@code purpose} (token signing, cookie binding), derived from the newest key. */
  public byte[] derivedKey(String purpose) {
    return derive(keys.get(newest), purpose);
  }

  /** Every key's derivation for {@code purpose}, newest first (to verify what an older key signed). */
  public List<byte[]> derivedKeys(String purpose) {
    List<byte[]> out = new ArrayList<>();
    out.add(derive(keys.get(newest), purpose));
    for (Map.Entry<String, byte[]> e : keys.entrySet()) {
      if (!e.getKey().equals(newest)) {
        out.add(derive(e.getValue(), purpose));
      }
    }
    return out;
  }

  private static byte[] mac(byte[] key, String purpose, String secret) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      m.update(purpose.getBytes(StandardCharsets.UTF_8));
      m.update((byte) 0);
      return m.doFinal(secret.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] derive(byte[] key, String purpose) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m.doFinal(("gitlab-mcp-gateway derive\n" + purpose).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] aad(String keyId, String context) {
    return (keyId + "\n" + (context == null ? "" : context)).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Override
  public String toString() {
    return "KeyRing" + keys.keySet();
  }
}
