package dev.gitlabmcp.gateway.tools;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cheap check that proves arguments valid against a tool's input schema, for the subset of JSON
 * Schema the catalog uses (type, enum, const, properties, required, additionalProperties, items and
 * the numeric, length and count bounds). It answers only "valid" or "cannot tell": anything it does
 * not fully understand (a pattern or format on a value that is present, strings with surrogate pairs
 * under a length bound, numbers of another Java type than the parser makes, any other keyword) is
 * "cannot tell", and the general validator decides, which also explains what is wrong. So it may
 * send a valid call the slow way, but never lets an invalid one through.
 *
 * <p>Profile of the loaded gateway: the general validator was the largest single item of our own
 * code on the path of {@code tools/call} (docs/performance.md); this check costs a few map lookups.
 */
final class SchemaProof {

  private static final Set<String> ANNOTATIONS = Set.of("description", "title", "default");
  private static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean", "array", "object",
      "null");
  /** A schema this check does not understand: nothing under it can be proven. */
  private static final SchemaProof UNKNOWN = new SchemaProof();

  private Set<String> types;
  private List<Object> enumValues;
  private Object constValue;
  private boolean hasConst;
  private Double minimum;
  private Double maximum;
  private long minLength = -1;
  private long maxLength = -1;
  private long minItems = -1;
  private long maxItems = -1;
  private boolean undecidable; // pattern or format: any present value needs the general validator
  private Map<String, SchemaProof> properties;
  private List<String> required;
  private Boolean additionalAllowed; // null: a schema for additional properties
  private SchemaProof additional;
  private SchemaProof items;

  private SchemaProof() {
  }

  /** The check of {@code schema}; never null (a schema it cannot read proves nothing). */
  static SchemaProof of(JsonObject schema) {
    SchemaProof p = new SchemaProof();
    for (Map.Entry<String, Object> e : schema) {
      if (!p.read(e.getKey(), e.getValue())) {
        return UNKNOWN;
      }
    }
    return p;
  }

  private boolean read(String key, Object v) {
    switch (key) {
      case "type" -> {
        types = new HashSet<>();
        for (Object t : v instanceof JsonArray a ? a.getList() : List.of(v)) {
          if (!(t instanceof String s) || !TYPES.contains(s)) {
            return false;
          }
          types.add(s);
        }
      }
      case "enum" -> {
        if (!(v instanceof JsonArray a)) {
          return false;
        }
        enumValues = new ArrayList<>(a.getList());
      }
      case "const" -> {
        hasConst = true;
        constValue = v;
      }
      case "minimum", "maximum" -> {
        if (!(v instanceof Number n)) {
          return false;
        }
        if (key.equals("minimum")) {
          minimum = n.doubleValue();
        } else {
          maximum = n.doubleValue();
        }
      }
      case "minLength", "maxLength", "minItems", "maxItems" -> {
        if (!(v instanceof Integer || v instanceof Long)) {
          return false;
        }
        long n = ((Number) v).longValue();
        switch (key) {
          case "minLength" -> minLength = n;
          case "maxLength" -> maxLength = n;
          case "minItems" -> minItems = n;
          default -> maxItems = n;
        }
      }
      case "pattern", "format" -> undecidable = true;
      case "properties" -> {
        if (!(v instanceof JsonObject o)) {
          return false;
        }
        properties = new HashMap<>();
        for (Map.Entry<String, Object> p : o) {
          if (!(p.getValue() instanceof JsonObject ps)) {
            return false;
          }
          properties.put(p.getKey(), of(ps));
        }
      }
      case "required" -> {
        if (!(v instanceof JsonArray a) || a.stream().anyMatch(x -> !(x instanceof String))) {
          return false;
        }
        required = a.stream().map(String.class::cast).toList();
      }
      case "additionalProperties" -> {
        if (v instanceof Boolean b) {
          additionalAllowed = b;
        } else if (v instanceof JsonObject o) {
          additional = of(o);
        } else {
          return false;
        }
      }
      case "items" -> {
        if (!(v instanceof JsonObject o)) {
          return false;
        }
        items = of(o);
      }
      default -> {
        return ANNOTATIONS.contains(key);
      }
    }
    return true;
  }

  /** True only when {@code value} certainly satisfies the schema; false when it may not. */
  boolean provesValid(Object value) {
    if (this == UNKNOWN || undecidable) {
      return false;
    }
    if (types != null && !typeMatches(value)) {
      return false;
    }
    if (enumValues != null && !enumValues.contains(value) || hasConst && !sameValue(constValue, value)) {
      return false;
    }
    if (value instanceof String s) {
      return lengthWithin(s);
    }
    if (value instanceof Integer || value instanceof Long) {
      long n = ((Number) value).longValue();
      // Beyond 2^53 a double comparison is not exact: let the general validator judge.
      return Math.abs(n) < (1L << 53) && (minimum == null || n >= minimum) && (maximum == null || n <= maximum);
    }
    if (value instanceof Double || value instanceof Float) {
      return minimum == null && maximum == null;
    }
    if (value instanceof JsonArray a) {
      return (minItems < 0 || a.size() >= minItems) && (maxItems < 0 || a.size() <= maxItems) && itemsValid(a);
    }
    if (value instanceof JsonObject o) {
      return objectValid(o);
    }
    return value == null || value instanceof Boolean;
  }

  private boolean lengthWithin(String s) {
    if (minLength < 0 && maxLength < 0) {
      return true;
    }
    // JSON Schema counts code points; with no surrogate pair both counts agree, otherwise leave it.
    if (s.codePointCount(0, s.length()) != s.length()) {
      return false;
    }
    return (minLength < 0 || s.length() >= minLength) && (maxLength < 0 || s.length() <= maxLength);
  }

  private boolean itemsValid(JsonArray a) {
    if (items == null) {
      return true;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!items.provesValid(a.getValue(i))) {
        return false;
      }
    }
    return true;
  }

  private boolean objectValid(JsonObject o) {
    if (required != null) {
      for (String r : required) {
        if (!o.containsKey(r)) {
          return false;
        }
      }
    }
    for (Map.Entry<String, Object> e : o) {
      SchemaProof p = properties == null ? null : properties.get(e.getKey());
      if (p == null) {
        p = additional;
        if (p == null && Boolean.FALSE.equals(additionalAllowed)) {
          return false;
        }
      }
      if (p != null && !p.provesValid(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private boolean typeMatches(Object value) {
    String t = typeOf(value);
    return types.contains(t) || t.equals("integer") && types.contains("number");
  }

  /** The JSON type of a value as the JSON parser hands it over; "?" for anything else. */
  private static String typeOf(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String) {
      return "string";
    }
    if (v instanceof Boolean) {
      return "boolean";
    }
    if (v instanceof Integer || v instanceof Long) {
      return "integer"; // also a number: see typeMatches
    }
    if (v instanceof JsonObject) {
      return "object";
    }
    if (v instanceof JsonArray) {
      return "array";
    }
    return v instanceof Double || v instanceof Float ? "number" : "?";
  }

  private static boolean sameValue(Object a, Object b) {
    return a == null ? b == null : a.equals(b);
  }
}
