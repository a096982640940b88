package dev.gitlabmcp.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.tools.GraphQlDocument.Kind;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** How the raw GraphQL tool tells a read from a write: by the document's top-level keywords, failing closed. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GraphQlDocumentTest {

  private static void assertKind(Kind expected, Object... documents) {
    for (Object d : documents) {
      assertEquals(expected, GraphQlDocument.operations(d), String.valueOf(d));
    }
  }

  @Test
  void should_read_queries_shorthand_queries_and_fragments_as_reads() {
    assertKind(Kind.QUERY, "{ currentUser { username } }", "query Me($x: ID!) { project(fullPath: $x) { ...P } }\n"
        + "fragment P on Project { name }");
  }

  @Test
  void should_read_a_mutation_or_subscription_anywhere_at_the_top_level_as_a_write() {
    assertKind(Kind.WRITE, "mutation { createNote(input: {}) { errors } }", "query A { a } mutation B { b }",
        "subscription { issuableUpdated { id } }", "MUTATION { b }");
  }

  @Test
  void should_not_be_fooled_by_keywords_in_comments_strings_or_field_names() {
    assertKind(Kind.WRITE, "# query\nmutation { a }");
    assertKind(Kind.QUERY, "# mutation { a }\nquery { a(s: \"mutation {\") { b } }",
        "query { a(s: \"\"\"mutation \\\"\"\" }\"\"\") { mutation } }");
  }

  @Test
  void should_count_what_it_cannot_follow_as_a_write() {
    assertKind(Kind.WRITE, "query { a ", "query { a } }", "query { a(s: \"open) }", "", 42, null);
  }

  @Test
  void should_call_a_mutation_destructive_when_it_selects_a_deleting_field() {
    assertTrue(GraphQlDocument.mayDelete("mutation { destroyNote(input: {id: \"x\"}) { errors } }"));
    assertTrue(GraphQlDocument.mayDelete("mutation { awardEmojiRemove(input: {}) { errors } }"));
    assertTrue(GraphQlDocument.mayDelete("mutation { a "));
    assertFalse(GraphQlDocument.mayDelete("mutation { createNote(input: {body: \"delete me\"}) { errors } }"));
  }
}
