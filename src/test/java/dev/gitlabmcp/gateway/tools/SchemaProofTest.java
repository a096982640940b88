package dev.gitlabmcp.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.Validator;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cheap proof of valid arguments never disagrees with the general JSON Schema validator: every
 * argument object it calls valid, the validator calls valid too, over every tool of the catalog and
 * thousands of generated objects (valid ones, wrong types, out-of-range numbers, bad enum members,
 * unknown keys, missing required ones). And it does prove the ordinary calls, so they skip the validator.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@ExtendWith(VertxExtension.class)
class SchemaProofTest {

  private static final JsonSchemaOptions OPTIONS = new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
      .setBaseUri("https://gitlab-mcp-gateway.local/").setOutputFormat(OutputFormat.Flag);
  private static ToolCatalog catalog;

  @BeforeAll
  static void load(Vertx vertx) {
    catalog = ToolCatalog.load(vertx);
  }

  @Test
  void never_calls_valid_what_the_validator_refuses_over_the_whole_catalog() {
    Random random = new Random(17);
    int proven = 0;
    int refusedByValidator = 0;
    for (ToolDefinition tool : catalog.all()) {
      JsonObject schema = tool.inputSchema();
      Validator validator = Validator.create(JsonSchema.of(schema.copy()), OPTIONS);
      SchemaProof proof = SchemaProof.of(schema);
      for (int i = 0; i < 40; i++) {
        JsonObject args = arguments(tool, random, i < 10 ? 0.0 : 0.3);
        boolean valid = Boolean.TRUE.equals(validator.validate(args).getValid());
        if (proof.provesValid(args)) {
          proven++;
          assertTrue(valid, () -> tool.name() + ": proven valid but the validator refuses " + args.encode());
        }
        if (!valid) {
          refusedByValidator++;
        }
      }
    }
    // The generator makes both kinds in numbers, so the agreement above means something.
    assertTrue(proven > 2000, "proven: " + proven);
    assertTrue(refusedByValidator > 2000, "refused: " + refusedByValidator);
  }

  @Test
  void proves_the_ordinary_call_and_refuses_to_prove_the_doubtful_ones() {
    SchemaProof getProject = SchemaProof.of(catalog.get("get_project").inputSchema());
    assertTrue(getProject.provesValid(new JsonObject().put("project_id", "acme/platform/gateway")));
    assertTrue(getProject.provesValid(new JsonObject().put("project_id", "42").put("statistics", true)));
    assertFalse(getProject.provesValid(new JsonObject()), "project_id is required");
    assertFalse(getProject.provesValid(new JsonObject().put("project_id", 42)), "a number where a string goes");
    assertFalse(getProject.provesValid(new JsonObject().put("project_id", "a").put("nope", 1)), "unknown key");
    assertFalse(getProject.provesValid(new JsonObject().put("project_id", "a").putNull("statistics")), "null");

    SchemaProof bounded = SchemaProof.of(new JsonObject().put("type", "object").put("properties", new JsonObject()
        .put("s", new JsonObject().put("type", "string").put("maxLength", 2))
        .put("n", new JsonObject().put("type", "integer").put("minimum", 1).put("maximum", 100))
        .put("d", new JsonObject().put("type", "string").put("format", "date"))
        .put("e", new JsonObject().put("type", "string").put("enum", new JsonArray().add("a").add("b")))));
    assertTrue(bounded.provesValid(new JsonObject().put("s", "ab").put("n", 100).put("e", "b")));
    assertFalse(bounded.provesValid(new JsonObject().put("s", "abc")));
    assertFalse(bounded.provesValid(new JsonObject().put("s", "\uD83D\uDE00")), "surrogates: left to the validator");
    assertFalse(bounded.provesValid(new JsonObject().put("n", 0)));
    assertFalse(bounded.provesValid(new JsonObject().put("n", 1L << 60)));
    assertFalse(bounded.provesValid(new JsonObject().put("d", "2024-01-01")), "a format: left to the validator");
    assertFalse(bounded.provesValid(new JsonObject().put("e", "c")));
    assertFalse(SchemaProof.of(new JsonObject().put("oneOf", new JsonArray())).provesValid(new JsonObject()),
        "a keyword it does not know proves nothing");
  }

  @Test
  void the_validator_wrapper_answers_as_before_for_proven_and_unproven_arguments() {
    SchemaValidator v = new SchemaValidator(catalog.get("get_project").inputSchema());
    assertEquals(Boolean.TRUE, v.validate(new JsonObject().put("project_id", "a/b")).getValid());
    assertEquals(Boolean.FALSE, v.validate(new JsonObject().put("project_id", 42)).getValid());
    assertFalse(v.validate(new JsonObject().put("project_id", 42)).getErrors().isEmpty(), "the detailed errors");
  }

  /** Arguments for a tool: mostly right, and with probability {@code wrong} per field something off. */
  private static JsonObject arguments(ToolDefinition tool, Random random, double wrong) {
    JsonObject args = new JsonObject();
    JsonObject props = tool.inputSchema().getJsonObject("properties", new JsonObject());
    List<String> names = new ArrayList<>(props.fieldNames());
    for (String name : names) {
      boolean required = tool.inputSchema().getJsonArray("required", new JsonArray()).contains(name);
      if (!required && random.nextInt(3) == 0) {
        continue;
      }
      if (required && random.nextDouble() < wrong / 4) {
        continue; // missing
      }
      args.put(name, random.nextDouble() < wrong ? oddValue(random) : value(props.getJsonObject(name), random));
    }
    if (random.nextDouble() < wrong / 3) {
      args.put("not_an_argument", "x");
    }
    return args;
  }

  private static Object value(JsonObject schema, Random random) {
    if (schema.getValue("enum") instanceof JsonArray e && !e.isEmpty()) {
      return random.nextInt(8) == 0 ? "not-a-member" : e.getValue(random.nextInt(e.size()));
    }
    Object type = schema.getValue("type");
    String t = type instanceof JsonArray a ? a.getString(0) : String.valueOf(type);
    return switch (t) {
      case "integer" -> random.nextInt(10) == 0 ? -5 - random.nextInt(1000) : 1 + random.nextInt(200);
      case "number" -> random.nextBoolean() ? 1.5 : 7;
      case "boolean" -> random.nextBoolean();
      case "array" -> {
        JsonArray a = new JsonArray();
        JsonObject items = schema.getJsonObject("items", new JsonObject());
        for (int i = random.nextInt(4); i > 0; i--) {
          a.add(value(items, random));
        }
        yield a;
      }
      case "object" -> new JsonObject().put("k", "v");
      default -> switch (random.nextInt(6)) {
        case 0 -> "";
        case 1 -> "x".repeat(300);
        case 2 -> "2024-01-31";
        case 3 -> "2024-01-31T10:00:00Z";
        default -> "acme/platform-" + random.nextInt(100);
      };
    };
  }

  private static Object oddValue(Random random) {
    return switch (random.nextInt(7)) {
      case 0 -> null;
      case 1 -> 42;
      case 2 -> 4.25;
      case 3 -> "text";
      case 4 -> true;
      case 5 -> new JsonArray().add(1).add("a");
      default -> new JsonObject().put("a", 1);
    };
  }
}
