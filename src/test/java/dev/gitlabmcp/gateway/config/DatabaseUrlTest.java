package dev.gitlabmcp.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DatabaseUrlTest {

  /** A database is a shared store: it needs an encryption key (EncryptionKeys). */
  private static final String KEY = dev.gitlabmcp.gateway.testing.TestGateway.ENCRYPTION_KEY;

  private static final String PASSWORD = "s3cr3t-Pa55";

  @Test
  void should_read_every_part_of_a_postgres_url() {
    DatabaseUrl u = DatabaseUrl.parse("postgres://gw:" + PASSWORD + "@db.internal:6432/gateway?sslmode=verify-full"
        + "&sslrootcert=/etc/ssl/db-ca.pem&connect_timeout=3&application_name=gw-eu");
    assertEquals("db.internal", u.host());
    assertEquals(6432, u.port());
    assertEquals("gateway", u.database());
    assertEquals("gw", u.user());
    assertEquals(PASSWORD, u.password().reveal());
    assertEquals("verify-full", u.sslMode());
    assertEquals("/etc/ssl/db-ca.pem", u.rootCertFile());
    assertEquals(3, u.connectTimeoutSeconds());
    assertEquals("gw-eu", u.applicationName());
  }

  @Test
  void should_accept_postgresql_scheme_ipv6_and_percent_encoded_credentials() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://us%40er:p%40ss%3Aw%2Fo%25rd@[::1]:5433/my%20db");
    assertEquals("::1", u.host());
    assertEquals(5433, u.port());
    assertEquals("us@er", u.user());
    assertEquals("p@ss:w/o%rd", u.password().reveal());
    assertEquals("my db", u.database());
  }

  @Test
  void should_use_libpq_defaults_for_what_is_left_out() {
    DatabaseUrl u = DatabaseUrl.parse("postgres://db.internal");
    assertEquals(5432, u.port());
    assertEquals("postgres", u.user());
    assertEquals("postgres", u.database(), "the database defaults to the user name");
    assertEquals("prefer", u.sslMode());
    assertFalse(u.password().isSet());
    assertEquals("gitlab-mcp-gateway", u.applicationName());
  }

  @Test
  void should_read_the_key_value_form_with_quoted_values() {
    DatabaseUrl u = DatabaseUrl.parse("host=10.0.0.5 port=5433 dbname=gateway user=gw "
        + "password='it\\'s a pass \\\\ word' sslmode=require");
    assertEquals("10.0.0.5", u.host());
    assertEquals(5433, u.port());
    assertEquals("gateway", u.database());
    assertEquals("gw", u.user());
    assertEquals("require", u.sslMode());
    assertEquals("it's a pass \\ word", u.password().reveal());
    DatabaseUrl spaced = DatabaseUrl.parse("  host = db   dbname = x  password = 'a b'  ");
    assertEquals("db", spaced.host());
    assertEquals("a b", spaced.password().reveal());
  }

  @Test
  void should_read_every_tls_mode() {
    for (String mode : DatabaseUrl.SSL_MODES) {
      assertEquals(mode, DatabaseUrl.parse("postgres://h/d?sslmode=" + mode.toUpperCase()).sslMode());
      assertEquals(mode, DatabaseUrl.parse("host=h sslmode=" + mode).sslMode());
    }
  }

  @Test
  void should_describe_the_target_without_the_password() {
    DatabaseUrl u = DatabaseUrl.parse("postgres://gw:" + PASSWORD + "@db:5432/gateway?sslmode=require");
    assertEquals("gw@db:5432/gateway sslmode=require", u.describe());
    assertFalse(u.toString().contains(PASSWORD), u.toString());
  }

  @Test
  void should_explain_a_bad_url_without_echoing_the_password() {
    List<Map.Entry<String, String>> bad = List.of(
        Map.entry("mysql://gw:" + PASSWORD + "@db/gateway", "postgres://"),
        Map.entry("postgres://gw:" + PASSWORD + "@db:99999/gateway", "port must be between"),
        Map.entry("postgres://gw:" + PASSWORD + "@db:54x2/gateway", "port must be a number"),
        Map.entry("postgres://gw:" + PASSWORD + "@db/gateway?sslmode=sometimes", "sslmode must be one of"),
        Map.entry("postgres://gw:" + PASSWORD + "@db/gateway?options=-c%20x", "unsupported parameter 'options'"),
        Map.entry("host=db password=a " + PASSWORD + "=b", "unsupported parameter ("),
        Map.entry("postgres://gw:" + PASSWORD + "%zz@db/gateway", "the password has a '%'"),
        Map.entry("postgres://gw:" + PASSWORD + "@db1,db2/gateway", "several hosts"),
        Map.entry("host=db password='" + PASSWORD, "no closing quote"),
        Map.entry("host=db " + PASSWORD, "has no '='"),
        Map.entry("", "empty"));
    bad.forEach(entry -> {
      String text = entry.getKey();
      String expected = entry.getValue();
      DatabaseUrl.Invalid e = assertThrows(DatabaseUrl.Invalid.class, () -> DatabaseUrl.parse(text));
      assertTrue(e.getMessage().contains(expected), text + " -> " + e.getMessage());
      assertFalse(e.getMessage().contains(PASSWORD), "the message repeats the password: " + e.getMessage());
    });
  }

  @Test
  void should_report_an_unreadable_database_url_as_a_config_problem_without_the_password() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.withoutDefaultFile(
        Map.of("store.databaseUrl", "postgres://gw:" + PASSWORD + "@db/x?sslmode=maybe", "store.encryptionKey", KEY),
        Map.of())
        .load(GatewayConfig.Mode.HTTP));
    assertEquals(1, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).startsWith("DATABASE_URL (store.databaseUrl) cannot be read: sslmode"),
        e.problems().get(0));
    assertFalse(e.problems().get(0).contains(PASSWORD));
  }

  @Test
  void should_read_the_url_from_a_file_and_refuse_both_at_once() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("db-url", ".txt");
    java.nio.file.Files.writeString(file, "postgres://gw:" + PASSWORD + "@db/gateway\n");
    GatewayConfig cfg = ConfigLoader.withoutDefaultFile(Map.of("store.encryptionKey", KEY),
        Map.of("DATABASE_URL_FILE", file.toString()))
        .load(GatewayConfig.Mode.HTTP).config();
    assertEquals("gateway", cfg.database().database());
    assertEquals(PASSWORD, cfg.database().password().reveal());
    ConfigException both = assertThrows(ConfigException.class, () -> ConfigLoader.withoutDefaultFile(
        Map.of("store.encryptionKey", KEY),
        Map.of("DATABASE_URL_FILE", file.toString(), "DATABASE_URL", "postgres://db/x")).load(GatewayConfig.Mode.HTTP));
    assertEquals(List.of("DATABASE_URL and DATABASE_URL_FILE (store.databaseUrlFile) are both set: use one of them."),
        both.problems());
  }
}
