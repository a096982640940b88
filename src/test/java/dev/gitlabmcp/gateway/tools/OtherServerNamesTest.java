package dev.gitlabmcp.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Users moving from another GitLab MCP server find every tool name they know: offered under the same name,
 * or listed with a reason in docs/tools.md's "Names from other servers" table.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OtherServerNamesTest {

  private static final String ZEREIGHT = "other-servers/zereight-mcp-gitlab-2.1.64.txt";

  private static Vertx vertx;
  private static ToolCatalog catalog;

  @BeforeAll
  static void load() {
    vertx = Vertx.vertx();
    catalog = ToolCatalog.load(vertx);
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  @Test
  void should_offer_or_document_every_tool_name_of_zereight_mcp_gitlab() throws IOException {
    List<String> theirs = names(ZEREIGHT);
    Map<String, String> documented = documentedNames();
    Set<String> offered = new LinkedHashSet<>();
    Set<String> notApplicable = new LinkedHashSet<>();
    Set<String> missing = new LinkedHashSet<>();
    for (String name : theirs) {
      if (catalog.get(name) != null || name.equals(DiscoverTools.NAME)) {
        offered.add(name);
      } else if (documented.containsKey(name)) {
        notApplicable.add(name);
      } else {
        missing.add(name);
      }
    }
    System.out.printf("names of @zereight/mcp-gitlab 2.1.64: %d; offered %d, documented as not offered %d, missing %d%n",
        theirs.size(), offered.size(), notApplicable.size(), missing.size());

    assertEquals(263, theirs.size(), "the checked-in list holds all of that server's names");
    assertEquals(theirs.size(), new LinkedHashSet<>(theirs).size(), "a name repeats in " + ZEREIGHT);
    assertTrue(missing.isEmpty(), "neither offered nor in docs/tools.md's table with a reason: " + missing);
  }

  @Test
  void should_not_list_an_offered_tool_as_missing_nor_leave_a_reason_empty() throws IOException {
    Map<String, String> documented = documentedNames();

    assertFalse(documented.isEmpty(), "docs/tools.md has no '" + ToolDocs.OTHER_SERVERS_HEADING + "' table");
    documented.forEach((name, why) -> {
      assertTrue(catalog.get(name) == null, name + " is offered: take it out of " + ToolDocs.OTHER_SERVERS);
      assertTrue(why.length() > 20, name + " needs a reason and what to use instead: '" + why + "'");
    });
  }

  /** The names in docs/tools.md's "Names from other servers" table, with their reason. */
  private static Map<String, String> documentedNames() throws IOException {
    String md = Files.readString(Path.of("docs/tools.md"), StandardCharsets.UTF_8);
    int at = md.indexOf(ToolDocs.OTHER_SERVERS_HEADING + "\n");
    Map<String, String> out = new LinkedHashMap<>();
    if (at < 0) {
      return out;
    }
    for (String line : md.substring(at).lines().skip(1).toList()) {
      if (line.startsWith("## ")) {
        break;
      }
      if (line.startsWith("| `")) {
        String[] cells = line.split(" \\| ", 2);
        out.put(cells[0].substring(3, cells[0].lastIndexOf('`')), cells.length < 2 ? "" : cells[1].replaceAll("\\|$", "").strip());
      }
    }
    return out;
  }

  private static List<String> names(String resource) throws IOException {
    try (InputStream in = OtherServerNamesTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertTrue(in != null, resource);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
  }
}
