package dev.gitlabmcp.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
}
