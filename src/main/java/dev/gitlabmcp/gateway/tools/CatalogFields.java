package dev.gitlabmcp.gateway.tools;

import dev.gitlabmcp.gateway.gitlab.InstanceIntrospector;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reading the parts of one catalog entry (parameters, response, GraphQL document, fallback, output
 * schema) into their definitions, each problem reported with the file and tool it is in.
 */
final class CatalogFields {

  private CatalogFields() {
  }

  /**
   * {@code graphql: {query: "query($fullPath: ID!) {...}", data: project.workItems}}: a GraphQL tool whose params
   * are the operation's variables; {@code graphql: {raw: true}} is the escape hatch whose caller writes the
   * document. Read-only follows from the document (a query), so the tool gives no method, path or readOnly.
   */
  static ToolDefinition.GraphQl parseGraphql(String where, Map<?, ?> t, List<String> problems) {
    Object raw = t.get("graphql");
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Map<?, ?> g)) {
      problems.add(where + ": 'graphql' must be a mapping with query and data (or raw: true)");
      return null;
    }
    unknownKeys(g, ToolCatalog.GRAPHQL_KEYS, where + " graphql", problems);
    for (String key : List.of("method", "path", "readOnly", "fixed", "fallback")) {
      if (t.get(key) != null) {
        problems.add(where + ": a graphql tool has no '" + key + "' (it is POSTed to /api/graphql; a query is read-only)");
      }
    }
    boolean rawTool = Boolean.TRUE.equals(g.get("raw"));
    String document = str(g.get("query"));
    if (rawTool == (document != null)) {
      problems.add(where + ": 'graphql' needs either a query document or raw: true");
      return null;
    }
    if (document != null && !GraphQlDocument.readable(document)) {
      problems.add(where + ": the graphql query cannot be read (unbalanced braces or an unterminated string)");
    }
    return new ToolDefinition.GraphQl(document, str(g.get("data")));
  }

  /** The tool as a POST to the GraphQL endpoint, so the REST checks (params, placeholders) apply unchanged. */
  static Map<?, ?> withGraphqlRequest(Map<?, ?> t) {
    Map<Object, Object> copy = new LinkedHashMap<>(t);
    copy.put("method", "POST");
    copy.put("path", InstanceIntrospector.GRAPHQL_PATH);
    return copy;
  }

  static ParamSpec parseParam(String where, String argName, Map<?, ?> ps, boolean inPathTemplate,
                                      boolean bodyDefault, List<String> problems) {
    String pw = where + ": param '" + argName + "'";
    if (!ToolCatalog.NAME.matcher(argName).matches()) {
      problems.add(pw + ": names are lower_snake_case");
      return null;
    }
    JsonObject schema = new JsonObject();
    for (Map.Entry<?, ?> e : ps.entrySet()) {
      String k = String.valueOf(e.getKey());
      if (ToolCatalog.PARAM_META.contains(k)) {
        continue;
      }
      if (!ToolCatalog.SCHEMA_KEYS.contains(k)) {
        problems.add(pw + ": unknown key '" + k + "'");
        continue;
      }
      schema.put(k, toJson(e.getValue()));
    }
    String type = schema.getValue("type") instanceof String s ? s : null;
    if (type == null || !ToolCatalog.TYPES.contains(type)) {
      problems.add(pw + ": 'type' must be one of " + ToolCatalog.TYPES);
    }
    if ("array".equals(type) && !(schema.getValue("items") instanceof JsonObject)) {
      problems.add(pw + ": an array needs 'items'");
    }
    ParamSpec.In in;
    String rawIn = str(ps.get("in"));
    if (rawIn == null) {
      in = inPathTemplate ? ParamSpec.In.PATH : bodyDefault ? ParamSpec.In.BODY : ParamSpec.In.QUERY;
    } else {
      try {
        in = ParamSpec.In.valueOf(rawIn.toUpperCase());
      } catch (IllegalArgumentException e) {
        problems.add(pw + ": 'in' must be path, query, body or local");
        return null;
      }
    }
    if (in == ParamSpec.In.PATH && !inPathTemplate) {
      problems.add(pw + ": declared in the path but the path template has no {" + argName + "}");
    }
    if (in != ParamSpec.In.PATH && inPathTemplate) {
      problems.add(pw + ": the path template uses {" + argName + "} but the param is not in the path");
    }
    Object req = ps.get("required");
    if (req != null && !(req instanceof Boolean)) {
      problems.add(pw + ": 'required' must be true or false");
    }
    return new ParamSpec(argName, in, str(ps.get("as")), Boolean.TRUE.equals(req), schema,
        Boolean.TRUE.equals(ps.get("commaList")), Boolean.TRUE.equals(ps.get("upperCase")));
  }

  static ResponseSpec parseResponse(String where, Object raw, List<String> problems) {
    if (raw == null) {
      return new ResponseSpec(ResponseSpec.Kind.OBJECT, List.of(), false);
    }
    if (!(raw instanceof Map<?, ?> m)) {
      problems.add(where + ": 'response' must be a mapping");
      return new ResponseSpec(ResponseSpec.Kind.OBJECT, List.of(), false);
    }
    unknownKeys(m, ToolCatalog.RESPONSE_KEYS, where + " response", problems);
    ResponseSpec.Kind kind = ResponseSpec.Kind.OBJECT;
    if (m.get("kind") != null) {
      try {
        kind = ResponseSpec.Kind.valueOf(String.valueOf(m.get("kind")).toUpperCase());
      } catch (IllegalArgumentException e) {
        problems.add(where + ": response 'kind' must be object, list, file, text or empty");
      }
    }
    List<String> fields = new ArrayList<>();
    if (m.get("fields") instanceof List<?> l) {
      l.forEach(x -> fields.add(String.valueOf(x)));
    } else if (m.get("fields") != null) {
      problems.add(where + ": response 'fields' must be a list");
    }
    boolean tail = Boolean.TRUE.equals(m.get("tail"));
    if (tail && kind != ResponseSpec.Kind.TEXT) {
      problems.add(where + ": response 'tail' applies to kind text only");
    }
    boolean structured = Boolean.TRUE.equals(m.get("outputSchema"));
    if (structured && (fields.isEmpty() || (kind != ResponseSpec.Kind.OBJECT && kind != ResponseSpec.Kind.LIST))) {
      problems.add(where + ": response 'outputSchema' needs kind object or list and a 'fields' projection");
    }
    return new ResponseSpec(kind, fields, Boolean.TRUE.equals(m.get("untrusted")), tail, structured);
  }

  static ToolDefinition.Fallback parseFallback(String where, Object raw, List<String> problems) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Map<?, ?> m)) {
      problems.add(where + ": 'fallback' must be a mapping with status, contains and method");
      return null;
    }
    unknownKeys(m, ToolCatalog.FALLBACK_KEYS, where + " fallback", problems);
    if (!(m.get("status") instanceof Integer status) || status < 400 || status > 499
        || !(m.get("contains") instanceof String contains) || contains.isBlank()) {
      problems.add(where + ": 'fallback' needs status (a 4xx code) and contains (text of GitLab's message)");
      return null;
    }
    try {
      return new ToolDefinition.Fallback(status, contains, HttpMethod.valueOf(String.valueOf(m.get("method"))));
    } catch (RuntimeException e) {
      problems.add(where + ": fallback 'method' must be GET, POST, PUT, PATCH or DELETE");
      return null;
    }
  }

  /**
   * The outputSchema of a structured tool, from its slim projection: every listed field, typed from the index's
   * outputFields (author.username: an author object whose username is a string).
   */
  static JsonObject outputSchema(ResponseSpec response, Map<String, JsonObject> types, String where,
                                         List<String> problems) {
    JsonObject props = new JsonObject();
    for (String f : response.fields()) {
      addField(props, f.split("\\."), 0, types, where + ": response field '" + f + "'", problems);
    }
    JsonObject item = new JsonObject().put("type", "object").put("properties", props);
    if (response.kind() == ResponseSpec.Kind.OBJECT) {
      return item;
    }
    return new JsonObject().put("type", "object").put("properties", new JsonObject()
            .put("items", new JsonObject().put("type", "array").put("items", item))
            .put("pagination", new JsonObject().put("type", "object")))
        .put("required", new JsonArray().add("items"));
  }

  static void addField(JsonObject props, String[] path, int i, Map<String, JsonObject> types, String where,
                               List<String> problems) {
    String name = path[i];
    JsonObject schema = props.getJsonObject(name);
    if (schema == null) {
      JsonObject known = types.get(name);
      if (known == null) {
        problems.add(where + ": '" + name + "' has no type in _index.yaml outputFields");
        return;
      }
      schema = known.copy();
      props.put(name, schema);
    }
    if (i + 1 == path.length) {
      return;
    }
    // A nested field: the object itself, or each item of an array of objects, gets the next property.
    JsonObject container = schema.getValue("items") instanceof JsonObject items ? items : schema;
    JsonObject inner = container.getJsonObject("properties");
    if (inner == null) {
      inner = new JsonObject();
      container.put("properties", inner);
    }
    addField(inner, path, i + 1, types, where, problems);
  }

  static Map<String, List<String>> destructiveIf(String where, Object raw, List<String> problems) {
    if (raw == null) {
      return Map.of();
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (e.getValue() instanceof List<?> l && !l.isEmpty()) {
          out.put(String.valueOf(e.getKey()), l.stream().map(String::valueOf).toList());
        } else {
          problems.add(where + ": 'destructiveIf' maps an argument path to a list of values");
        }
      }
      return out;
    }
    problems.add(where + ": 'destructiveIf' must map argument paths (files[].action) to lists of values");
    return Map.of();
  }

  static String minVersion(String where, Object raw, List<String> problems) {
    if (raw == null) {
      return null;
    }
    String v = String.valueOf(raw).trim();
    if (!v.matches("\\d{1,3}\\.\\d{1,3}")) {
      problems.add(where + ": 'minVersion' must be major.minor, e.g. \"15.7\" (quote it in YAML)");
      return null;
    }
    return v;
  }

  static boolean flag(Map<?, ?> t, String key, boolean otherwise) {
    return t.get(key) instanceof Boolean b ? b : otherwise;
  }

  static JsonObject inputSchema(List<ParamSpec> params, boolean slim) {
    JsonObject props = new JsonObject();
    JsonArray required = new JsonArray();
    for (ParamSpec p : params) {
      props.put(p.name(), p.schema());
      if (p.required()) {
        required.add(p.name());
      }
    }
    if (slim) {
      props.put(ToolExecutor.FULL_RESPONSE, new JsonObject().put("type", "boolean")
          .put("description", "All fields, not the slim set."));
    }
    JsonObject schema = new JsonObject().put("type", "object").put("properties", props);
    if (!required.isEmpty()) {
      schema.put("required", required);
    }
    return schema.put("additionalProperties", false);
  }

  static Object toJson(Object v) {
    if (v instanceof Map<?, ?> m) {
      JsonObject o = new JsonObject();
      m.forEach((k, x) -> o.put(String.valueOf(k), toJson(x)));
      return o;
    }
    if (v instanceof List<?> l) {
      JsonArray a = new JsonArray();
      l.forEach(x -> a.add(toJson(x)));
      return a;
    }
    return v;
  }

  static void unknownKeys(Map<?, ?> m, Set<String> known, String where, List<String> problems) {
    for (Object k : m.keySet()) {
      if (!known.contains(String.valueOf(k))) {
        problems.add(where + ": unknown key '" + k + "'");
      }
    }
  }

  static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }
}
