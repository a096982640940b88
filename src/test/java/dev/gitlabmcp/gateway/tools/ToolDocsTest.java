package dev.gitlabmcp.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** docs/tools.md is generated from the catalog; it must never describe tools that differ from the real ones. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ToolDocsTest {

  @Test
  void should_match_the_catalog_exactly() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ToolCatalog catalog = ToolCatalog.load(vertx);
      String expected = ToolDocs.render(catalog);
      String actual = Files.readString(Path.of("docs/tools.md"), StandardCharsets.UTF_8);

      assertEquals(expected, actual, "docs/tools.md is stale: regenerate it with "
          + "'java -jar target/gitlab-mcp-gateway.jar tools docs > docs/tools.md' (after mvn package)");
      for (ToolDefinition t : catalog.all()) {
        assertTrue(actual.contains("| `" + t.name() + "`"), t.name());
      }
    } finally {
      vertx.close();
    }
  }
}
