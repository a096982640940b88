package dev.gitlabmcp.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.core.SafeYaml;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog the build compiled to JSON is the YAML's documents, tree for tree, and never hides an edit. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CompiledCatalogTest {

  private static final ClassLoader LOADER = CompiledCatalogTest.class.getClassLoader();

  @Test
  void the_build_compiled_every_catalog_document_and_each_equals_its_yaml() throws Exception {
    Map<String, Object> compiled = CompiledCatalog.read(LOADER);
    assertNotNull(compiled, "target/classes/" + CompiledCatalog.RESOURCE + " is missing or stale: run mvn process-classes");
    Map<?, ?> index = yaml(ToolCatalog.INDEX);
    List<?> files = (List<?>) index.get("toolsets");
    assertEquals(files.size() + 1, compiled.size(), "the index and each toolset file: " + compiled.keySet());
    assertEquals(index, compiled.get(ToolCatalog.INDEX));
    for (Object f : files) {
      String path = "tools/" + f;
      assertEquals(yaml(path), compiled.get(path), path);
    }
  }

  @Test
  void a_start_reads_the_same_catalog_from_the_compiled_documents_as_from_the_yaml() {
    ToolCatalog fromJson = ToolCatalog.load(null, LOADER, ToolCatalog.INDEX, true);
    ToolCatalog fromYaml = ToolCatalog.load(null, LOADER, ToolCatalog.INDEX, false);
    assertEquals(fromYaml.toolsets(), fromJson.toolsets());
    assertEquals(fromYaml.all().stream().map(CompiledCatalogTest::everything).toList(),
        fromJson.all().stream().map(CompiledCatalogTest::everything).toList());
  }

  @Test
  void an_edited_yaml_file_wins_over_a_compilation_made_before_the_edit(@TempDir Path dir) throws Exception {
    Path tools = Files.createDirectories(dir.resolve("tools"));
    Files.writeString(tools.resolve("_index.yaml"), "toolsets: [a.yaml]\n");
    Files.writeString(tools.resolve("a.yaml"), "toolset: a\ntools: []\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      Files.writeString(tools.resolve("catalog.json"), CompiledCatalog.compile(loader, ToolCatalog.INDEX));
      assertEquals(Map.of("toolset", "a", "tools", List.of()), CompiledCatalog.read(loader).get("tools/a.yaml"));

      Files.writeString(tools.resolve("a.yaml"), "toolset: a\ndescription: edited\ntools: []\n");
      assertNull(CompiledCatalog.read(loader), "stale: the YAML is read instead");

      Files.writeString(tools.resolve("catalog.json"), "{\"sources\": 1, \"documents\": ");
      assertNull(CompiledCatalog.read(loader), "unreadable: the YAML is read instead");
    }
  }

  @Test
  void the_build_refuses_yaml_that_json_would_not_give_back_as_it_was(@TempDir Path dir) throws Exception {
    Path tools = Files.createDirectories(dir.resolve("tools"));
    Files.writeString(tools.resolve("_index.yaml"), "toolsets: [a.yaml]\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      Files.writeString(tools.resolve("a.yaml"), "toolset: a\nsince: 2024-01-01\ntools: []\n");
      IllegalStateException date = assertThrows(IllegalStateException.class,
          () -> CompiledCatalog.compile(loader, ToolCatalog.INDEX));
      assertTrue(date.getMessage().contains("tools/a.yaml.since"), date.getMessage());

      Files.writeString(tools.resolve("a.yaml"), "toolset: a\nstatus: {404: missing}\ntools: []\n");
      IllegalStateException key = assertThrows(IllegalStateException.class,
          () -> CompiledCatalog.compile(loader, ToolCatalog.INDEX));
      assertTrue(key.getMessage().contains("key 404 is not a string"), key.getMessage());
    }
  }

  /** Every part of a definition but its validator (built from the input schema, which is compared). */
  private static String everything(ToolDefinition t) {
    return String.join("\n", t.name(), String.valueOf(t.title()), String.valueOf(t.description()), t.toolset(),
        String.valueOf(t.tier()), String.valueOf(t.method()), String.valueOf(t.paths()), String.valueOf(t.params()),
        String.valueOf(t.response()), String.valueOf(t.traits()), String.valueOf(t.fixed()),
        String.valueOf(t.fallback()), t.inputSchema().encode(), t.descriptor().encode(), String.valueOf(t.graphql()));
  }

  private static Map<?, ?> yaml(String path) throws Exception {
    try (InputStream in = LOADER.getResourceAsStream(path)) {
      return (Map<?, ?>) SafeYaml.load(new String(in.readAllBytes(), StandardCharsets.UTF_8), false);
    }
  }
}
