package dev.gitlabmcp.gateway.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HttpTextTest {

  @Test
  void should_accept_a_type_exactly_by_wildcard_or_any_ignoring_case_spaces_and_parameters() {
    assertTrue(HttpText.accepts("application/json, text/event-stream", "text/event-stream"));
    assertTrue(HttpText.accepts("Application/JSON;q=0.9", "application/json"));
    assertTrue(HttpText.accepts("text/html , */*;q=0.1", "application/json"));
    assertTrue(HttpText.accepts("TEXT/*", "text/event-stream"));
    assertFalse(HttpText.accepts("application/jsonx, text/plain", "application/json"));
    assertFalse(HttpText.accepts("application/*+json", "application/json"));
    assertFalse(HttpText.accepts("", "application/json"));
    assertFalse(HttpText.accepts(null, "application/json"));
  }

  /** The header parse as it was written first (split, trim, lower case): the scan must agree with it everywhere. */
  private static boolean reference(String accept, String type) {
    String major = type.substring(0, type.indexOf('/'));
    for (String part : accept.split(",")) {
      String t = part.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (t.equals(type) || t.equals("*/*") || t.equals(major + "/*")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void should_agree_with_the_split_and_trim_reading_on_generated_headers() {
    List<String> pieces = List.of("application/json", "APPLICATION/Json", "text/event-stream", "text/*", "*/*",
        "application/*", "*", "/", "json", "text", ",", ";", ";q=0.5", " ", "\t", "", "a/b", "text/event-streamx",
        "application/jso", "*/", "/*", ",,", "; charset=utf-8");
    Random random = new Random(17);
    for (int i = 0; i < 50_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int k = random.nextInt(7); k >= 0; k--) {
        b.append(pieces.get(random.nextInt(pieces.size())));
      }
      String header = b.toString();
      for (String type : List.of("application/json", "text/event-stream")) {
        assertEquals(reference(header, type), HttpText.accepts(header, type), () -> "'" + header + "' for " + type);
      }
    }
  }
}
