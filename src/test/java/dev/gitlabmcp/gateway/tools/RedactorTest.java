package dev.gitlabmcp.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** No secret GitLab sends may reach a model, however deep it sits in the answer. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedactorTest {

  private static final String R = Redactor.REDACTED;

  /** Parses like the shaper does, so nested values are what Vert.x hands out for decoded JSON. */
  private static JsonObject redacted(String json) {
    return (JsonObject) Redactor.redact(new JsonObject(json));
  }

  @ParameterizedTest
  @ValueSource(strings = {"runners_token", "token", "feed_token", "incoming_email_token", "Private_Token",
      "password", "encrypted_password", "secret", "webhook_secret", "client_secret", "private_key", "credentials"})
  void should_redact_values_of_secret_keys(String key) {
    JsonObject o = redacted(new JsonObject().put(key, "s3cr3t-value").put("id", 1).encode());

    assertEquals(R, o.getValue(key));
    assertEquals(1, o.getInteger("id"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"token_expires_at", "tokens_count", "name", "key", "description", "web_url"})
  void should_keep_values_of_ordinary_keys(String key) {
    JsonObject o = redacted(new JsonObject().put(key, "plain-value").encode());

    assertEquals("plain-value", o.getValue(key));
  }

  @Test
  void should_keep_booleans_and_nulls_under_secret_looking_keys() {
    JsonObject o = redacted("{\"password_authentication_enabled_for_web\":true,\"runners_token\":null}");

    assertEquals(Boolean.TRUE, o.getValue("password_authentication_enabled_for_web"));
    assertTrue(o.containsKey("runners_token"));
    assertEquals(null, o.getValue("runners_token"));
  }

  @Test
  void should_redact_secrets_in_nested_objects() {
    JsonObject o = redacted("""
        {"id": 1, "settings": {"ci": {"runners_token": "GR1348941abc", "deploy_password": "pw1"},
         "name": "ok"}}""");

    JsonObject ci = o.getJsonObject("settings").getJsonObject("ci");
    assertEquals(R, ci.getString("runners_token"));
    assertEquals(R, ci.getString("deploy_password"));
    assertEquals("ok", o.getJsonObject("settings").getString("name"));
    assertFalse(o.encode().contains("GR1348941abc"), o.encode());
  }

  @Test
  void should_redact_secrets_inside_arrays_of_objects() {
    JsonObject o = redacted("""
        {"hooks": [{"id": 1, "url": "https://hooks.example.com/a", "token": "hook-secret-1"},
                   {"id": 2, "url": "https://hooks.example.com/b", "token": "hook-secret-2"}]}""");

    JsonArray hooks = o.getJsonArray("hooks");
    assertEquals(R, hooks.getJsonObject(0).getString("token"));
    assertEquals(R, hooks.getJsonObject(1).getString("token"));
    assertEquals("https://hooks.example.com/b", hooks.getJsonObject(1).getString("url"));
    assertFalse(o.encode().contains("hook-secret"), o.encode());
  }

  @Test
  void should_redact_secrets_in_a_top_level_array() {
    JsonArray a = (JsonArray) Redactor.redact(new JsonArray("[{\"secret\": \"x1\"}, [{\"password\": \"x2\"}]]"));

    assertEquals(R, a.getJsonObject(0).getString("secret"));
    assertEquals(R, a.getJsonArray(1).getJsonObject(0).getString("password"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https://deploy:pa55word@gitlab.example.com/g/p.git | https://[REDACTED]@gitlab.example.com/g/p.git",
      "https://oauth2:glpat-abcdef@gitlab.com/g/p.git     | https://[REDACTED]@gitlab.com/g/p.git",
      "HTTP://USER:PASS@HOST.example.com/x                | HTTP://[REDACTED]@HOST.example.com/x",
      "clone https://u:p@host.example.com/x.git please    | clone https://[REDACTED]@host.example.com/x.git please",
  })
  void should_redact_credentials_in_urls(String given, String expected) {
    JsonObject o = redacted(new JsonObject().put("import_url", given).encode());

    assertEquals(expected, o.getString("import_url"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"git@gitlab.example.com:group/project.git", "https://gitlab.example.com/group/project",
      "Mail ada@example.com about https://gitlab.example.com/x"})
  void should_keep_urls_and_text_without_credentials(String given) {
    JsonObject o = redacted(new JsonObject().put("ssh_url_to_repo", given).encode());

    assertEquals(given, o.getString("ssh_url_to_repo"));
  }

  @Test
  void should_redact_url_credentials_in_nested_objects_and_arrays() {
    JsonObject o = redacted("""
        {"mirrors": [{"url": "https://bot:m1rr0r@github.com/a/b.git"}],
         "project": {"import_url": "https://imp:0rt@github.com/a/c.git"},
         "links": ["https://l:1nk@example.com/x"]}""");

    assertFalse(o.encode().contains("m1rr0r"), o.encode());
    assertFalse(o.encode().contains("0rt@"), o.encode());
    assertFalse(o.encode().contains("1nk@"), o.encode());
    assertEquals("https://[REDACTED]@example.com/x", o.getJsonArray("links").getString(0));
  }

  @Test
  void should_redact_the_value_of_a_masked_or_hidden_ci_variable() {
    JsonArray vars = (JsonArray) Redactor.redact(new JsonArray("""
        [{"key": "DEPLOY_KEY", "value": "masked-s3cr3t", "masked": true, "protected": true},
         {"key": "HIDDEN_KEY", "value": "hidden-s3cr3t", "masked": false, "hidden": true},
         {"key": "LOG_LEVEL", "value": "debug", "masked": false}]"""));

    assertEquals(R, vars.getJsonObject(0).getString("value"));
    assertEquals("DEPLOY_KEY", vars.getJsonObject(0).getString("key"));
    assertEquals(R, vars.getJsonObject(1).getString("value"));
    assertEquals("debug", vars.getJsonObject(2).getString("value"));
  }

  @Test
  void should_redact_url_credentials_in_a_plain_string() {
    assertEquals("see https://[REDACTED]@h.example.com", Redactor.redact("see https://a:b@h.example.com"));
  }

  // ---- linear time on crafted input (timings: ShapingBenchmark; these count work instead)

  /** A text that fails the test once more than eight times its length in characters have been read from it. */
  private static final class CountingText implements CharSequence {

    private final String text;
    private long reads;

    CountingText(String text) {
      this.text = text;
    }

    @Override
    public char charAt(int index) {
      long limit = 8L * text.length();
      if (++reads > limit) {
        throw new AssertionError("read more than " + limit + " characters of a " + text.length() + "-character text");
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new CountingText(text.substring(start, end));
    }

    @Override
    public String toString() {
      return text;
    }
  }

  @Test
  void should_read_each_character_of_a_crafted_200_kb_description_a_bounded_number_of_times() {
    for (String crafted : new String[] {ShapingBenchmark.craftedSchemeRun(200_000),
        ShapingBenchmark.craftedUserInfoRun(200_000)}) {
      // A backtracking pattern reads these about n * n / 4 times; a scan reads each character a few times.
      CountingText counted = new CountingText(crafted);

      String out = Redactor.urlCredentials(counted, false);

      assertEquals(crafted.replace("bot:s3cr3t@", R + "@"), out);
      assertTrue(counted.reads > crafted.length(), "the whole text was read");
    }
  }

  @Test
  void should_redact_the_credentials_at_the_end_of_a_crafted_200_kb_issue_description() {
    String crafted = ShapingBenchmark.craftedSchemeRun(200_000);

    JsonObject o = redacted(new JsonObject().put("iid", 7).put("description", crafted).encode());

    assertTrue(o.getString("description").endsWith(" see https://" + R + "@gitlab.example.com/g/p.git"),
        o.getString("description").substring(crafted.length() - 60));
    assertEquals(crafted.length() - "bot:s3cr3t".length() + R.length(), o.getString("description").length());
    assertFalse(o.encode().contains("s3cr3t"));
  }

  /** The pattern the scan replaces, kept as its specification. */
  private static final Pattern OLD_PATTERN = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s\"]+@");

  @ParameterizedTest
  @ValueSource(strings = {"a://b@c", "x:y://u:p@h/z", "a://x:y://u:p@h", "_http://u:p@h", "1http://u:p@h",
      "9.http://u:p@h", "http://@h", "http://u@", "ftp://a b@h", "http://u\"p@h", "http://u/p@h", "s3+ssh://k:v@h",
      "a.-+://u:p@h", "http:/u:p@h", "http//u:p@h", "https://a:b@c and https://d:e@f", "https://a:b@@c",
      "://u:p@h", "https://a:b@c@d", "HTTPS://U:P@H", "http://u:p@h\thttp://u:p@h"})
  void should_redact_url_credentials_exactly_where_the_old_pattern_did(String given) {
    assertEquals(OLD_PATTERN.matcher(given).replaceAll("$1" + R + "@"), Redactor.urlCredentials(given, false));
  }

  @Test
  void should_agree_with_the_old_pattern_on_many_generated_texts() {
    String alphabet = "aZ1_.+-:/@\" \n";
    Random random = new Random(42); // fixed: the same texts on every run
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder();
      for (int i = random.nextInt(24); i > 0; i--) {
        b.append(random.nextInt(4) == 0 ? "://" : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
      }
      String given = b.toString();

      assertEquals(OLD_PATTERN.matcher(given).replaceAll("$1" + R + "@"), Redactor.urlCredentials(given, false),
          given);
    }
  }

  @Test
  void should_redact_user_info_that_runs_into_the_end_of_a_cut_text() {
    assertEquals("clone https://" + R, Redactor.urlCredentials("clone https://bot:s3cr3t-par", true));
    assertEquals("clone https://" + R + "@h", Redactor.urlCredentials("clone https://bot:s3cr3t@h", true));
    assertEquals("clone https://h.example.com/", Redactor.urlCredentials("clone https://h.example.com/", true));
    assertEquals("clone https://", Redactor.urlCredentials("clone https://", true));
  }
}
