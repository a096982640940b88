package dev.gitlabmcp.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.crypto.KeyRing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GATEWAY_ENCRYPTION_KEY and its older keys, as configuration turns them into a key ring. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EncryptionKeysTest {

  private final byte[] current = KeyRing.generate();
  private final byte[] old = KeyRing.generate();

  private static GatewayConfig load(Map<String, String> env) {
    return ConfigLoader.withoutDefaultFile(Map.of(), env).load(GatewayConfig.Mode.HTTP).config();
  }

  private static List<String> problems(Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> load(env)).problems();
  }

  private static String b64(byte[] k) {
    return Base64.getEncoder().encodeToString(k);
  }

  @Test
  void should_build_a_ring_that_seals_with_the_current_key_and_opens_with_the_old_one() {
    KeyRing ring = EncryptionKeys.ring(load(Map.of("GATEWAY_ENCRYPTION_KEY", b64(current),
        "GATEWAY_ENCRYPTION_OLD_KEYS", b64(old))));

    assertEquals(KeyRing.idOf(current), ring.newestKeyId());
    assertTrue(ring.holds(KeyRing.idOf(old)));
    assertFalse(ring.isEphemeral());
    KeyRing.Sealed sealed = KeyRing.of(List.of(old)).seal(new byte[] {1, 2, 3}, "grant-1");
    assertEquals(3, ring.open(sealed, "grant-1").length, "a value sealed under the old key still opens");
  }

  @Test
  void should_make_a_process_only_key_without_a_shared_store() {
    assertTrue(EncryptionKeys.ring(load(Map.of())).isEphemeral());
  }

  @Test
  void should_read_the_keys_from_files(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("key"), b64(current) + "\n");
    Path olds = Files.writeString(dir.resolve("old"), b64(old));

    KeyRing ring = EncryptionKeys.ring(load(Map.of("GATEWAY_ENCRYPTION_KEY_FILE", key.toString(),
        "GATEWAY_ENCRYPTION_OLD_KEYS_FILE", olds.toString())));

    assertEquals(KeyRing.idOf(current), ring.newestKeyId());
    assertTrue(ring.holds(KeyRing.idOf(old)));
  }

  @Test
  void should_name_an_unreadable_key_file_and_a_key_given_twice() {
    assertTrue(problems(Map.of("GATEWAY_ENCRYPTION_KEY_FILE", "/nonexistent/key")).stream()
        .anyMatch(p -> p.contains("GATEWAY_ENCRYPTION_KEY_FILE") && p.contains("/nonexistent/key")
            && p.contains("cannot be read")));
    assertTrue(problems(Map.of("GATEWAY_ENCRYPTION_KEY", b64(current), "GATEWAY_ENCRYPTION_KEY_FILE", "/x")).stream()
        .anyMatch(p -> p.contains("both set")));
  }

  @Test
  void should_refuse_malformed_keys_without_showing_them() {
    String notBase64 = "this is not base64!";
    String tooShort = b64(new byte[16]);
    List<String> problems = problems(Map.of("GATEWAY_ENCRYPTION_KEY", notBase64,
        "GATEWAY_ENCRYPTION_OLD_KEYS", b64(old) + "," + tooShort));

    assertTrue(problems.stream().anyMatch(p -> p.startsWith("GATEWAY_ENCRYPTION_KEY") && p.contains("not base64")),
        problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("entry 2") && p.contains("16 bytes, not 32")),
        problems.toString());
    assertFalse(problems.toString().contains(notBase64) || problems.toString().contains(tooShort));
  }

  @Test
  void should_require_a_key_with_redis_and_old_keys_only_beside_a_current_one() {
    assertTrue(problems(Map.of("REDIS_URL", "redis://127.0.0.1:6379")).stream()
        .anyMatch(p -> p.contains("required with a shared store") && p.contains("keys generate")));
    assertTrue(problems(Map.of("GATEWAY_ENCRYPTION_OLD_KEYS", b64(old))).stream()
        .anyMatch(p -> p.contains("GATEWAY_ENCRYPTION_KEY is not")));
  }
}
