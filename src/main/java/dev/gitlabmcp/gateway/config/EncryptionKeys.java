package dev.gitlabmcp.gateway.config;

import dev.gitlabmcp.gateway.crypto.KeyRing;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The key ring the configuration asks for, decided in one place: GATEWAY_ENCRYPTION_KEY (seals) plus
 * GATEWAY_ENCRYPTION_OLD_KEYS (still open what they sealed). With a shared store (Redis or PostgreSQL) a key
 * is required: sealed state there outlives the process and is read by other replicas. Without one, a random
 * key for this process only serves, and so does what it seals (in memory anyway).
 *
 * <p>Messages never echo a key, not even a malformed one.
 */
public final class EncryptionKeys {

  /** How an operator makes a key; every message that asks for one says it. */
  public static final String HOW_TO_MAKE = "make one with 'java -jar gitlab-mcp-gateway.jar keys generate' and set "
      + "GATEWAY_ENCRYPTION_KEY (or GATEWAY_ENCRYPTION_KEY_FILE) to it";

  private EncryptionKeys() {
  }

  /** What is wrong with the key settings; empty when a ring can be built. */
  public static List<String> problems(GatewayConfig cfg) {
    List<String> problems = new ArrayList<>();
    if (!cfg.encryptionKey().isSet()) {
      if (cfg.sharedStore()) {
        problems.add("GATEWAY_ENCRYPTION_KEY (store.encryptionKey) is required with a shared store (REDIS_URL or "
            + "DATABASE_URL): GitLab tokens kept there are sealed with it, and every replica needs the same key; "
            + HOW_TO_MAKE + ".");
      }
      if (cfg.encryptionOldKeys().isSet()) {
        problems.add("GATEWAY_ENCRYPTION_OLD_KEYS (store.encryptionOldKeys) is set but GATEWAY_ENCRYPTION_KEY is not: "
            + "older keys only open what they sealed, a current key must seal what is written now.");
      }
    }
    decode(cfg, problems);
    return problems;
  }

  /**
   * The ring: the configured keys, newest first; or, without a key and without a shared store, a random key
   * for this process ({@link KeyRing#isEphemeral()}).
   *
   * @throws ConfigException when the settings are wrong (the same problems as {@link #problems})
   */
  public static KeyRing ring(GatewayConfig cfg) {
    List<String> problems = problems(cfg);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    if (!cfg.encryptionKey().isSet()) {
      return KeyRing.forThisProcess();
    }
    return KeyRing.of(decode(cfg, new ArrayList<>()));
  }

  /** For config check: which key ids the ring holds, or what a process-only key means. */
  public static String describe(GatewayConfig cfg) {
    if (!cfg.encryptionKey().isSet()) {
      return "a random key for this process only (no GATEWAY_ENCRYPTION_KEY): sealed state (OAuth grants with their "
          + "GitLab tokens) will not outlive the process";
    }
    List<byte[]> keys = decode(cfg, new ArrayList<>());
    if (keys.isEmpty()) {
      return "(invalid)";
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      ids.add(KeyRing.idOf(keys.get(i)) + (i == 0 ? " (seals)" : " (opens only)"));
    }
    return String.join(", ", ids);
  }

  /** The configured keys, newest first; problems noted for each that is not base64 of 32 bytes. */
  private static List<byte[]> decode(GatewayConfig cfg, List<String> problems) {
    List<byte[]> keys = new ArrayList<>();
    if (!cfg.encryptionKey().isSet()) {
      return keys;
    }
    int before = problems.size();
    byte[] newest = key(cfg.encryptionKey().reveal(), "GATEWAY_ENCRYPTION_KEY (store.encryptionKey)", problems);
    if (newest != null) {
      keys.add(newest);
    }
    String[] old = cfg.encryptionOldKeys().reveal().split(",");
    int n = 0;
    for (String o : old) {
      if (!o.isBlank()) {
        n++;
        byte[] k = key(o, "GATEWAY_ENCRYPTION_OLD_KEYS (store.encryptionOldKeys) entry " + n, problems);
        if (k != null) {
          keys.add(k);
        }
      }
    }
    return problems.size() > before ? List.of() : keys;
  }

  private static byte[] key(String text, String name, List<String> problems) {
    String t = text.trim();
    byte[] raw;
    try {
      raw = (t.indexOf('-') >= 0 || t.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(t);
    } catch (IllegalArgumentException e) {
      problems.add(name + " is not base64 (the value is not shown); " + HOW_TO_MAKE + ".");
      return null;
    }
    if (raw.length != 32) {
      problems.add(name + " decodes to " + raw.length + " bytes, not 32 (the value is not shown); " + HOW_TO_MAKE
          + ".");
      return null;
    }
    return raw;
  }
}
