package dev.gitlabmcp.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gitlabmcp.gateway.config.ConfigLoader.Entry;
import dev.gitlabmcp.gateway.config.ConfigLoader.Source;
import dev.gitlabmcp.gateway.config.GatewayConfig.Mode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * conf/gateway.yaml is the settings reference users read: it must hold every setting, with the
 * built-in default and the doc line of {@link Settings}, so docs cannot drift from code.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GatewayYamlTest {

  private static final Path FILE = Path.of("conf", "gateway.yaml");

  /** Each yaml key with the comment lines right above it. */
  private static Map<String, List<String>> commentsByKey;

  @BeforeAll
  static void readFile() throws IOException {
    commentsByKey = commentsByKey(Files.readAllLines(FILE, StandardCharsets.UTF_8));
  }

  @Test
  void should_set_every_setting_in_the_file() {
    ConfigLoader loader = new ConfigLoader(Map.of(), Map.of(), FILE);

    for (Entry e : loader.entries()) {
      assertEquals(Source.FILE, e.source(), e.setting().key() + " is not set in " + FILE);
    }
  }

  @Test
  void should_give_every_setting_its_built_in_default() {
    ConfigLoader loader = new ConfigLoader(Map.of(), Map.of(), FILE);

    for (Entry e : loader.entries()) {
      Setting s = e.setting();
      assertEquals(canonical(s, s.defaultValue()), canonical(s, e.value()),
          s.key() + " in " + FILE + " differs from the built-in default");
    }
  }

  @Test
  void should_load_to_the_same_config_as_the_built_in_defaults() {
    GatewayConfig fromFile = new ConfigLoader(Map.of(), Map.of(), FILE).load(Mode.HTTP).config();
    GatewayConfig builtIn = ConfigLoader.withoutDefaultFile(Map.of(), Map.of()).load(Mode.HTTP).config();

    assertEquals(builtIn, fromFile);
  }

  @Test
  void should_document_every_setting_with_a_comment_above_it() {
    for (Setting s : Settings.ALL) {
      List<String> comments = commentsByKey.get(s.key());
      assertNotNull(comments, s.key() + " does not appear in " + FILE);
      assertTrue(!comments.isEmpty(), s.key() + " has no comment line above it in " + FILE);
      String text = String.join(" ", comments);
      assertTrue(text.contains(s.doc()), s.key() + ": the comment does not carry the doc line <" + s.doc()
          + ">, it says <" + text + ">");
      assertTrue(text.contains(s.envNames().get(0)), s.key() + ": the comment does not name " + s.envNames().get(0));
      if (s.type() == Setting.Type.INT) {
        assertTrue(text.contains("Range " + s.min() + ".." + s.max()), s.key() + ": the comment misstates the range: "
            + text);
      }
      if (s.type() == Setting.Type.CHOICE) {
        assertTrue(text.contains("One of: " + String.join(", ", s.choices())), s.key()
            + ": the comment misstates the choices: " + text);
      }
    }
  }

  @Test
  void should_hold_no_key_that_is_not_a_setting() {
    for (String key : commentsByKey.keySet()) {
      assertNotNull(Settings.byKey(key), FILE + " has '" + key + "', which is not a setting");
    }
  }

  /** The value as the loader would type it, so "4194304" and 4194304 or [] and "" compare equal. */
  private static Object canonical(Setting s, String raw) {
    String v = raw == null ? "" : raw.trim();
    return switch (s.type()) {
      case INT -> Long.parseLong(v);
      case BOOL -> switch (v.toLowerCase(Locale.ROOT)) {
        case "true", "1", "yes", "on" -> true;
        case "false", "0", "no", "off", "" -> false;
        default -> fail(s.key() + ": '" + v + "' is not a boolean");
      };
      case LIST -> v.isEmpty() ? List.of()
          : Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
      case URL -> v.isEmpty() ? "" : String.valueOf(GitLabConfig.normalizeUrl(v));
      case CHOICE -> v.toLowerCase(Locale.ROOT);
      case STRING -> raw == null ? "" : raw;
    };
  }

  /**
   * Walks the two-level yaml (section: / key:) by indentation and collects the comment lines
   * directly above each key.
   */
  private static Map<String, List<String>> commentsByKey(List<String> lines) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String section = null;
    List<String> pending = new ArrayList<>();
    for (String line : lines) {
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        pending.clear();
        continue;
      }
      if (trimmed.startsWith("#")) {
        pending.add(trimmed.substring(1).strip());
        continue;
      }
      int colon = trimmed.indexOf(':');
      if (colon < 0) {
        fail("unexpected line in " + FILE + ": " + line);
      }
      String name = trimmed.substring(0, colon);
      if (!Character.isWhitespace(line.charAt(0))) {
        section = name;
      } else {
        assertNotNull(section, "key outside a section: " + line);
        out.put(section + "." + name, List.copyOf(pending));
      }
      pending.clear();
    }
    return out;
  }
}
