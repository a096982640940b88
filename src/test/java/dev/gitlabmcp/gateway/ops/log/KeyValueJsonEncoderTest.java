package dev.gitlabmcp.gateway.ops.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** How a log store sees the key=value pairs of a message: {@code fields} and {@code event} of a JSON line. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KeyValueJsonEncoderTest {

  @Test
  void should_read_plain_quoted_and_punctuated_values() {
    assertEquals(Map.of("file", "/etc/gw/instances.yaml", "problems", "2", "every", "5s", "url", "https://g/x?a=b"),
        KeyValueJsonEncoder.fields("instances_reload_rejected file=/etc/gw/instances.yaml problems=2: kept "
            + "(every=5s, url=https://g/x?a=b)"));
    assertEquals(Map.of("call", "GET /projects/7/issues", "error", "TimeoutException"),
        KeyValueJsonEncoder.fields("gitlab_unreachable call=\"GET /projects/7/issues\" error=TimeoutException"));
  }

  @Test
  void should_keep_the_first_of_a_repeated_key_and_the_rest_of_an_unclosed_quote() {
    assertEquals(Map.of("session", "a1"), KeyValueJsonEncoder.fields("x session=a1 session=b2"));
    assertEquals(Map.of("problem", "no closing quote here"),
        KeyValueJsonEncoder.fields("instances_reload_problem problem=\"no closing quote here"));
  }

  @Test
  void should_find_no_field_in_prose_with_an_equals_sign() {
    assertEquals(Map.of(), KeyValueJsonEncoder.fields("a = b, and 1+1=2 is (not)=news"));
  }

  @Test
  void should_name_the_event_only_from_a_leading_snake_case_word() {
    assertEquals("session_created", KeyValueJsonEncoder.eventName("session_created instance=a"));
    assertEquals("stdio_closed", KeyValueJsonEncoder.eventName("stdio_closed: stdin ended"));
    assertNull(KeyValueJsonEncoder.eventName("READY http://127.0.0.1:3002/mcp"));
    assertNull(KeyValueJsonEncoder.eventName("remote authorization: every request"));
    assertNull(KeyValueJsonEncoder.eventName("session=abc"));
  }
}
