package dev.gitlabmcp.gateway.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KeyRingTest {

  private static final byte[] K1 = KeyRing.generate();
  private static final byte[] K2 = KeyRing.generate();
  private static final byte[] TOKEN = "glpat-secret-value".getBytes(StandardCharsets.UTF_8);

  @Test
  void should_open_what_it_sealed_and_never_show_the_plain_text() {
    KeyRing ring = KeyRing.of(List.of(K1));
    KeyRing.Sealed s = ring.seal(TOKEN, "grant-1");
    assertFalse(s.text().contains("glpat"));
    assertArrayEquals(TOKEN, ring.open(s, "grant-1"));
    assertNotEquals(s.text(), ring.seal(TOKEN, "grant-1").text(), "a fresh nonce each time");
  }

  @Test
  void should_refuse_a_sealed_value_moved_to_another_record_or_altered() {
    KeyRing ring = KeyRing.of(List.of(K1));
    KeyRing.Sealed s = ring.seal(TOKEN, "grant-1");
    assertThrows(KeyRing.CannotOpen.class, () -> ring.open(s, "grant-2"));
    char c = s.text().charAt(20);
    String altered = s.text().substring(0, 20) + (c == 'A' ? 'B' : 'A') + s.text().substring(21);
    assertThrows(KeyRing.CannotOpen.class, () -> ring.open(new KeyRing.Sealed(s.keyId(), altered), "grant-1"));
    assertThrows(KeyRing.CannotOpen.class, () -> ring.open(new KeyRing.Sealed(s.keyId(), "%%%"), "grant-1"));
  }

  @Test
  void should_open_old_values_after_rotation_and_seal_new_ones_under_the_new_key() {
    KeyRing before = KeyRing.of(List.of(K1));
    KeyRing.Sealed old = before.seal(TOKEN, "g");
    KeyRing after = KeyRing.of(List.of(K2, K1));
    assertArrayEquals(TOKEN, after.open(old, "g"));
    assertEquals(KeyRing.idOf(K2), after.seal(TOKEN, "g").keyId());
    KeyRing dropped = KeyRing.of(List.of(K2));
    KeyRing.CannotOpen e = assertThrows(KeyRing.CannotOpen.class, () -> dropped.open(old, "g"));
    assertTrue(e.getMessage().contains(KeyRing.idOf(K1)));
  }

  @Test
  void should_match_keyed_hashes_across_rotation_and_keep_purposes_apart() {
    KeyRing before = KeyRing.of(List.of(K1));
    String h = before.hash("refresh", "gmr_abc");
    assertFalse(h.contains("gmr_abc"));
    KeyRing after = KeyRing.of(List.of(K2, K1));
    assertTrue(after.matches("refresh", "gmr_abc", h));
    assertFalse(after.matches("code", "gmr_abc", h));
    assertFalse(after.matches("refresh", "gmr_abd", h));
    assertFalse(KeyRing.of(List.of(K2)).matches("refresh", "gmr_abc", h));
    assertFalse(after.matches("refresh", "gmr_abc", "garbage"));
  }

  @Test
  void should_refuse_keys_of_the_wrong_size_or_encoding() {
    assertThrows(IllegalArgumentException.class, () -> KeyRing.of(List.of(new byte[16])));
    assertThrows(IllegalArgumentException.class, () -> KeyRing.ofBase64(List.of("not base64!")));
    assertThrows(IllegalArgumentException.class, () -> KeyRing.of(List.of()));
  }
}
