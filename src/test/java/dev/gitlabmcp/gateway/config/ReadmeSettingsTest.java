package dev.gitlabmcp.gateway.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The README's settings table lists every setting with its doc line, so users read what the code does. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ReadmeSettingsTest {

  @Test
  void should_list_every_setting_with_its_key_env_and_doc() throws Exception {
    List<String> rows = Files.readAllLines(Path.of("README.md")).stream().filter(l -> l.startsWith("| `")).toList();
    for (Setting s : Settings.ALL) {
      String row = rows.stream().filter(r -> r.startsWith("| `" + s.key() + "` |")).findFirst().orElse(null);
      assertTrue(row != null, "README.md has no settings row for " + s.key());
      assertTrue(row.contains("`" + s.envNames().get(0) + "`"), s.key() + ": env name missing in " + row);
      assertTrue(row.contains(s.doc()), s.key() + ": doc line differs in README: " + row);
    }
  }
}
