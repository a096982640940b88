package dev.gitlabmcp.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.Main;
import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.state.GrantRecord;
import dev.gitlabmcp.gateway.state.MemoryGrantStore;
import dev.gitlabmcp.gateway.testing.ConsoleCapture;
import dev.gitlabmcp.gateway.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What an operator sees from {@code keys generate}, {@code keys status}, and a start without a needed key. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KeysCommandTest {

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private final byte[] k1 = KeyRing.generate();
  private final byte[] k2 = KeyRing.generate();
  private final ManualClock clock = new ManualClock(1_000_000L);

  @Test
  void should_generate_a_base64_key_of_32_bytes_alone_on_stdout_and_name_its_id_on_stderr() {
    assertEquals(0, Main.run(new String[] {"keys", "generate"}));
    String first = console.out().trim();
    byte[] key = Base64.getDecoder().decode(first);
    assertEquals(32, key.length);
    assertEquals(1, console.out().lines().count(), "only the key on stdout: " + console.out());
    assertTrue(console.err().contains("key id " + KeyRing.idOf(key)), console.err());

    console.resetOut();
    assertEquals(0, Main.run(new String[] {"keys", "generate"}));
    assertNotEquals(first, console.out().trim(), "every key is new");
  }

  @Test
  void should_report_records_sealed_under_a_removed_key_and_exit_non_zero() throws Exception {
    MemoryGrantStore grants = storeWith(k1, 2, k2, 3);
    KeyRing onlyK2 = KeyRing.of(List.of(k2));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = KeysCommand.status(grants, onlyK2, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(1, code);
    String id1 = KeyRing.idOf(k1);
    String id2 = KeyRing.idOf(k2);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("removing key " + id1 + " while 2 records need it"),
        err.toString(StandardCharsets.UTF_8));
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(table.lines().anyMatch(l -> l.startsWith(id1) && l.contains(" 2 ") && l.endsWith("NO")), table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith(id2) && l.contains(" 3 ") && l.contains("seals")), table);
  }

  @Test
  void should_pass_while_the_old_key_is_still_configured_and_say_when_it_can_go() throws Exception {
    KeyRing rotated = KeyRing.of(List.of(k2, k1));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertEquals(0, KeysCommand.status(storeWith(k1, 2, k2, 3), rotated,
        new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
    assertTrue(out.toString(StandardCharsets.UTF_8).lines()
        .anyMatch(l -> l.startsWith(KeyRing.idOf(k1)) && l.contains("opens only")), out.toString());

    // Every record re-sealed under k2: k1 is needed by nothing.
    out.reset();
    assertEquals(0, KeysCommand.status(storeWith(k2, 5, k2, 0), rotated,
        new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
    assertTrue(out.toString(StandardCharsets.UTF_8).lines()
        .anyMatch(l -> l.startsWith(KeyRing.idOf(k1)) && l.contains(" 0 ") && l.contains("can be removed")),
        out.toString());
  }

  @Test
  void should_show_the_configured_key_id_from_the_command_line() {
    String key = Base64.getEncoder().encodeToString(k1);

    int code = Main.run(new String[] {"keys", "status", "--set", "store.encryptionKey=" + key, "--set",
        "store.databaseUrl=", "--set", "store.redisUrl="});

    assertEquals(0, code, console.err());
    assertTrue(console.out().contains(KeyRing.idOf(k1)), console.out());
    assertFalse(console.out().contains(key) || console.err().contains(key), "the key itself is never printed");
  }

  @Test
  void should_refuse_a_malformed_key_without_echoing_it() {
    String bad = "c2hvcnQta2V5LW5vdC0zMi1ieXRlcw==";

    int code = Main.run(new String[] {"keys", "status", "--set", "store.encryptionKey=" + bad});

    assertEquals(ConfigOptions.EXIT_CONFIG, code);
    assertTrue(console.err().contains("not 32"), console.err());
    assertFalse(console.err().contains(bad) || console.out().contains(bad), console.err());
  }

  @Test
  void should_refuse_to_start_with_redis_and_no_key_and_say_how_to_make_one() {
    int code = Main.run(new String[] {"serve", "--port", "0", "--set", "store.redisUrl=redis://127.0.0.1:1"});

    assertEquals(ConfigOptions.EXIT_CONFIG, code);
    assertTrue(console.err().contains("GATEWAY_ENCRYPTION_KEY"), console.err());
    assertTrue(console.err().contains("java -jar gitlab-mcp-gateway.jar keys generate"), console.err());
  }

  @Test
  void should_report_the_key_situation_in_config_check() {
    assertEquals(ConfigOptions.EXIT_CONFIG, Main.run(new String[] {"config", "check", "--set",
        "store.redisUrl=redis://127.0.0.1:1", "--set", "store.databaseUrl="}));
    assertTrue(console.out().contains("keys generate"), console.out());

    console.resetOut();
    assertEquals(0, Main.run(new String[] {"config", "check", "--set", "store.databaseUrl=", "--set",
        "store.redisUrl="}), "no shared store here, whatever the environment says");
    assertTrue(console.out().contains("Encryption keys: a random key for this process only"), console.out());
  }

  /** Grants sealed under two keys (the sealed text is opaque to the store: only the key id matters here). */
  private MemoryGrantStore storeWith(byte[] a, int countA, byte[] b, int countB) throws Exception {
    MemoryGrantStore store = new MemoryGrantStore(clock::millis);
    int n = 0;
    for (int i = 0; i < countA + countB; i++) {
      String keyId = KeyRing.idOf(i < countA ? a : b);
      store.create(new GrantRecord("g" + n++, "user:" + i, "user" + i, "client", List.of("api"), "", List.of("default"),
          keyId, "sealed", "", List.of(), 1, clock.millis(), clock.millis() + 3_600_000)).toCompletionStage()
          .toCompletableFuture().get();
    }
    return store;
  }
}
