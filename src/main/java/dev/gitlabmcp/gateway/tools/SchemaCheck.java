package dev.gitlabmcp.gateway.tools;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks that a tool schema is valid JSON Schema 2020-12 within the subset the catalog allows. It
 * replaces a full meta-schema validation at startup, which costs most of a second for 260 tools;
 * the test suite still validates every schema against the official meta-schema.
 */
final class SchemaCheck {

  static final Set<String> KEYS = Set.of("type", "description", "enum", "items", "default", "minimum", "maximum",
      "minLength", "maxLength", "pattern", "format", "properties", "additionalProperties", "required", "minItems",
      "maxItems", "const", "title");
  private static final List<String> TYPES = List.of("string", "integer", "number", "boolean", "array", "object", "null");
  private static final Set<String> NUMBERS = Set.of("minimum", "maximum");
  private static final Set<String> COUNTS = Set.of("minLength", "maxLength", "minItems", "maxItems");

  private SchemaCheck() {
  }

  /** Every problem of {@code schema}, each naming where it is ("/properties/labels/items: ..."). */
  static List<String> problems(JsonObject schema) {
    List<String> out = new ArrayList<>();
    check(schema, "", out);
    return out;
  }

  private static void check(JsonObject s, String at, List<String> out) {
    String where = at.isEmpty() ? "/" : at;
    for (Map.Entry<String, Object> e : s) {
      String k = e.getKey();
      Object v = e.getValue();
      if (!KEYS.contains(k)) {
        out.add(where + ": keyword '" + k + "' is not supported by the catalog");
        continue;
      }
      switch (k) {
        case "type" -> {
          if (!(v instanceof String t) || !TYPES.contains(t)) {
            out.add(where + ": type must be one of " + TYPES);
          }
        }
        case "description", "format", "title" -> {
          if (!(v instanceof String)) {
            out.add(where + ": " + k + " must be a string");
          }
        }
        case "enum" -> {
          if (!(v instanceof JsonArray a) || a.isEmpty()) {
            out.add(where + ": enum must be a non-empty array");
          }
        }
        case "items" -> {
          if (v instanceof JsonObject o) {
            check(o, at + "/items", out);
          } else {
            out.add(where + ": items must be a schema object");
          }
        }
        case "properties" -> {
          if (v instanceof JsonObject o) {
            for (Map.Entry<String, Object> p : o) {
              if (p.getValue() instanceof JsonObject ps) {
                check(ps, at + "/properties/" + p.getKey(), out);
              } else {
                out.add(where + ": property '" + p.getKey() + "' must be a schema object");
              }
            }
          } else {
            out.add(where + ": properties must be an object");
          }
        }
        case "additionalProperties" -> {
          if (v instanceof JsonObject o) {
            check(o, at + "/additionalProperties", out);
          } else if (!(v instanceof Boolean)) {
            out.add(where + ": additionalProperties must be a boolean or a schema");
          }
        }
        case "required" -> {
          if (!(v instanceof JsonArray a) || a.stream().anyMatch(x -> !(x instanceof String))) {
            out.add(where + ": required must be an array of property names");
          } else if (s.getValue("properties") instanceof JsonObject props) {
            a.stream().filter(x -> !props.containsKey((String) x))
                .forEach(x -> out.add(where + ": required property '" + x + "' is not declared"));
          }
        }
        case "pattern" -> {
          try {
            Pattern.compile(String.valueOf(v));
          } catch (PatternSyntaxException ex) {
            out.add(where + ": pattern is not a valid regular expression");
          }
        }
        default -> {
          if (NUMBERS.contains(k) && !(v instanceof Number)) {
            out.add(where + ": " + k + " must be a number");
          }
          if (COUNTS.contains(k) && !(v instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() == Math.rint(n.doubleValue()))) {
            out.add(where + ": " + k + " must be a whole number >= 0");
          }
        }
      }
    }
  }
}
