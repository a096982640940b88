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
 * The declarative tool catalog: tools/_index.yaml names the toolset files and shared parameters;
 * each toolset file lists its tools. Loaded once at startup, every problem reported at once.
 */
public final class ToolCatalog {

  public static final String INDEX = "tools/_index.yaml";
  private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
  private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_]{1,63}$");
  /** {name} is encoded whole (a/b -> a%2Fb); {+name} keeps its slashes for GitLab's wildcard routes. */
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\+?([a-z_][a-z0-9_]*)}");
  private static final Set<String> TOOLSET_KEYS = Set.of("toolset", "description", "tools");
  private static final Set<String> TOOL_KEYS = Set.of("name", "title", "description", "tier", "method", "path",
      "params", "response", "destructive", "readOnly", "idempotent", "core", "projectFree", "fixed", "fallback", "minVersion", "destructiveIf", "graphql");
  private static final Set<String> GRAPHQL_KEYS = Set.of("query", "data", "raw");
  private static final Set<String> FALLBACK_KEYS = Set.of("status", "contains", "method");
  private static final Set<String> PARAM_META = Set.of("in", "as", "required", "commaList", "upperCase");
  private static final Set<String> SCHEMA_KEYS = Set.of("type", "description", "enum", "items", "default", "minimum",
      "maximum", "minLength", "maxLength", "pattern", "format", "properties", "additionalProperties", "minItems",
      "maxItems", "const", "examples");
  private static final Set<String> RESPONSE_KEYS = Set.of("kind", "fields", "untrusted", "tail", "outputSchema");
  private static final Set<String> TIERS = Set.of("free", "premium", "ultimate");
  private static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean", "array", "object");

  /** A toolset: its name, description and tools (the default set is the tools marked core, across toolsets). */
  public record Toolset(String name, String description, List<String> tools) {
  }

  private final Map<String, ToolDefinition> tools;
  private final Map<String, Toolset> toolsets;

  private ToolCatalog(Map<String, ToolDefinition> tools, Map<String, Toolset> toolsets) {
    this.tools = tools;
    this.toolsets = toolsets;
  }

  public ToolDefinition get(String name) {
    return tools.get(name);
  }

  public Collection<ToolDefinition> all() {
    return tools.values();
  }

  public Map<String, Toolset> toolsets() {
    return toolsets;
  }

  /** Loads the catalog from the classpath. Blocking: call before deploying verticles. */
  public static ToolCatalog load(Vertx vertx) {
    return load(vertx, ToolCatalog.class.getClassLoader(), INDEX);
  }

  static ToolCatalog load(Vertx vertx, ClassLoader loader, String indexPath) {
    List<String> problems = new ArrayList<>();
    Map<?, ?> index = readYaml(loader, indexPath, problems);
    if (index == null) {
      throw new CatalogException(problems);
    }
    String dir = indexPath.contains("/") ? indexPath.substring(0, indexPath.lastIndexOf('/') + 1) : "";
    Map<String, Map<?, ?>> shared = new LinkedHashMap<>();
    if (index.get("params") instanceof Map<?, ?> p) {
      p.forEach((k, v) -> {
        if (v instanceof Map<?, ?> m) {
          shared.put(String.valueOf(k), m);
        } else {
          problems.add(indexPath + ": shared param '" + k + "' must be a mapping");
        }
      });
    }

    Map<String, JsonObject> outputFields = new LinkedHashMap<>();
    if (index.get("outputFields") instanceof Map<?, ?> of) {
      of.forEach((k, v) -> outputFields.put(String.valueOf(k), v instanceof Map<?, ?> m ? (JsonObject) toJson(m)
          : new JsonObject()));
    }
    Map<String, ToolDefinition> tools = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    Map<String, Toolset> toolsets = new LinkedHashMap<>();
    Object files = index.get("toolsets");
    if (!(files instanceof List<?> fileList) || fileList.isEmpty()) {
      problems.add(indexPath + ": 'toolsets' must list the toolset files");
      throw new CatalogException(problems);
    }
    for (Object f : fileList) {
      String file = dir + f;
      Map<?, ?> doc = readYaml(loader, file, problems);
      if (doc == null) {
        continue;
      }
      unknownKeys(doc, TOOLSET_KEYS, file, problems);
      String toolset = str(doc.get("toolset"));
      if (toolset == null || !NAME.matcher(toolset).matches()) {
        problems.add(file + ": 'toolset' must be a lower_snake_case name");
        continue;
      }
      if (toolsets.containsKey(toolset)) {
        problems.add(file + ": toolset '" + toolset + "' is defined twice");
        continue;
      }
      List<String> names = new ArrayList<>();
      if (!(doc.get("tools") instanceof List<?> list)) {
        problems.add(file + ": 'tools' must be a list");
        continue;
      }
      for (Object t : list) {
        if (!(t instanceof Map<?, ?> tm)) {
          problems.add(file + ": every entry of 'tools' must be a mapping");
          continue;
        }
        ToolDefinition def = parseTool(file, toolset, tm, shared, outputFields, problems);
        if (def == null) {
          continue;
        }
        String before = origin.putIfAbsent(def.name(), file);
        if (before != null) {
          problems.add(file + ": tool '" + def.name() + "' is already defined in " + before);
          continue;
        }
        tools.put(def.name(), def);
        names.add(def.name());
      }
      toolsets.put(toolset, new Toolset(toolset, str(doc.get("description")), List.copyOf(names)));
    }
    if (!problems.isEmpty()) {
      throw new CatalogException(problems);
    }
    return new ToolCatalog(java.util.Collections.unmodifiableMap(tools),
        java.util.Collections.unmodifiableMap(toolsets));
  }

  private static ToolDefinition parseTool(String file, String toolset, Map<?, ?> t, Map<String, Map<?, ?>> shared,
                                          Map<String, JsonObject> outputFields, List<String> problems) {
    String name = str(t.get("name"));
    String where = file + ": tool '" + (name == null ? "?" : name) + "'";
    int before = problems.size();
    if (name == null || !NAME.matcher(name).matches()) {
      problems.add(where + ": 'name' must be lower_snake_case, 2..64 characters");
      return null;
    }
    unknownKeys(t, TOOL_KEYS, where, problems);
    String description = str(t.get("description"));
    if (description == null || description.isBlank()) {
      problems.add(where + ": 'description' is required");
    }
    String tier = t.get("tier") == null ? "free" : str(t.get("tier"));
    if (!TIERS.contains(tier)) {
      problems.add(where + ": 'tier' must be one of " + TIERS);
    }
    ToolDefinition.GraphQl graphql = parseGraphql(where, t, problems);
    HttpMethod method;
    try {
      if (graphql != null) {
        t = withGraphqlRequest(t);
      }
      method = HttpMethod.valueOf(String.valueOf(t.get("method")).toUpperCase());
      if (!Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH)
          .contains(method)) {
        throw new IllegalArgumentException();
      }
    } catch (RuntimeException e) {
      problems.add(where + ": 'method' must be GET, POST, PUT, PATCH or DELETE");
      method = HttpMethod.GET;
    }
    List<String> paths = new ArrayList<>();
    Object p = t.get("path");
    if (p instanceof String s) {
      paths.add(s);
    } else if (p instanceof List<?> l) {
      l.forEach(x -> paths.add(String.valueOf(x)));
    }
    if (paths.isEmpty() || paths.stream().anyMatch(x -> !x.startsWith("/"))) {
      problems.add(where + ": 'path' must be a template starting with '/' (or a list of them)");
    }
    Set<String> placeholders = new LinkedHashSet<>();
    Set<String> alwaysInPath = null;
    for (String path : paths) {
      Set<String> inThis = new LinkedHashSet<>();
      Matcher m = PLACEHOLDER.matcher(path);
      while (m.find()) {
        inThis.add(m.group(1));
      }
      placeholders.addAll(inThis);
      if (alwaysInPath == null) {
        alwaysInPath = new LinkedHashSet<>(inThis);
      } else {
        alwaysInPath.retainAll(inThis);
      }
    }
    ResponseSpec response = parseResponse(where, t.get("response"), problems);
    for (String flag : List.of("destructive", "readOnly", "idempotent", "core", "projectFree")) {
      if (t.get(flag) != null && !(t.get(flag) instanceof Boolean)) {
        problems.add(where + ": '" + flag + "' must be true or false");
      }
    }
    JsonObject fixed = null;
    if (t.get("fixed") instanceof Map<?, ?> fm) {
      fixed = (JsonObject) toJson(fm);
    } else if (t.get("fixed") != null) {
      problems.add(where + ": 'fixed' must be a mapping of GitLab parameter names to values");
    }
    ToolDefinition.Fallback fallback = parseFallback(where, t.get("fallback"), problems);

    List<ParamSpec> params = new ArrayList<>();
    Map<?, ?> rawParams = t.get("params") == null ? Map.of() : t.get("params") instanceof Map<?, ?> m ? m : null;
    if (rawParams == null) {
      problems.add(where + ": 'params' must be a mapping of argument names");
      rawParams = Map.of();
    }
    boolean bodyDefault = method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    Map<Object, Object> all = new LinkedHashMap<>(rawParams);
    if (response.kind() == ResponseSpec.Kind.LIST) {
      all.putIfAbsent("page", "page");
      all.putIfAbsent("per_page", "per_page");
    }
    for (Map.Entry<?, ?> e : all.entrySet()) {
      String argName = String.valueOf(e.getKey());
      Object spec = e.getValue();
      if (spec instanceof String ref) {
        spec = shared.get(ref);
        if (spec == null) {
          problems.add(where + ": param '" + argName + "' refers to unknown shared param '" + ref + "'");
          continue;
        }
      }
      if (!(spec instanceof Map<?, ?> ps)) {
        problems.add(where + ": param '" + argName + "' must be a mapping or the name of a shared param");
        continue;
      }
      ParamSpec param = parseParam(where, argName, ps, placeholders.contains(argName), bodyDefault, problems);
      if (param != null) {
        params.add(param);
      }
    }
    if (fixed != null) {
      for (String k : fixed.fieldNames()) {
        if (params.stream().anyMatch(x -> x.upstream().equals(k))) {
          problems.add(where + ": fixed value '" + k + "' is also a param");
        }
      }
    }
    for (String ph : placeholders) {
      ParamSpec ps = params.stream().filter(x -> x.name().equals(ph)).findFirst().orElse(null);
      if (ps == null) {
        problems.add(where + ": path placeholder {" + ph + "} has no param");
      } else if (alwaysInPath.contains(ph) && !ps.required()) {
        problems.add(where + ": path param '" + ph + "' must be required");
      }
    }
    if (problems.size() > before) {
      return null;
    }
    boolean readOnly = graphql != null ? graphql.raw() || GraphQlDocument.operations(graphql.document())
        == GraphQlDocument.Kind.QUERY : flag(t, "readOnly", method == HttpMethod.GET);
    // The raw GraphQL tool is listed as read-only and judged per call (ToolDefinition.readOnly(args)); a call
    // that writes must never be sent twice, so it is never retried.
    boolean raw = graphql != null && graphql.raw();
    ToolDefinition.Traits traits = new ToolDefinition.Traits(readOnly,
        !readOnly && flag(t, "destructive", method == HttpMethod.DELETE),
        !raw && (readOnly || flag(t, "idempotent", method != HttpMethod.POST && method != HttpMethod.PATCH)),
        flag(t, "core", false), flag(t, "projectFree", false), minVersion(where, t.get("minVersion"), problems),
        destructiveIf(where, t.get("destructiveIf"), problems));
    if (problems.size() > before) {
      return null;
    }
    JsonObject schema = inputSchema(params, !response.fields().isEmpty());
    List<String> schemaProblems = SchemaCheck.problems(schema);
    if (!schemaProblems.isEmpty()) {
      problems.add(where + ": input schema is not valid JSON Schema 2020-12: " + String.join("; ", schemaProblems));
      return null;
    }
    SchemaValidator validator = new SchemaValidator(schema);
    String title = str(t.get("title"));
    // The title lives on the tool itself (MCP 2025-06-18); repeating it in annotations only costs context.
    // destructiveHint and idempotentHint mean something only when readOnlyHint is false (MCP spec).
    // The raw GraphQL tool may write: its hints say so, although read-only mode lists it (for queries).
    JsonObject annotations = new JsonObject().put("readOnlyHint", traits.readOnly() && !raw);
    if (!traits.readOnly() || raw) {
      annotations.put("destructiveHint", traits.destructive() || raw).put("idempotentHint", traits.idempotent());
    }
    annotations.put("openWorldHint", true);
    JsonObject descriptor = new JsonObject().put("name", name);
    if (title != null) {
      descriptor.put("title", title);
    }
    descriptor.put("description", description.strip()).put("inputSchema", schema);
    if (response.structured()) {
      descriptor.put("outputSchema", outputSchema(response, outputFields, where, problems));
    }
    descriptor.put("annotations", annotations);
    return new ToolDefinition(name, title, description.strip(), toolset, tier, method, paths, params, response,
        traits, fixed, fallback, schema, descriptor, validator, graphql);
  }

  /**
   * {@code graphql: {query: "query($fullPath: ID!) {...}", data: project.workItems}}: a GraphQL tool whose params
   * are the operation's variables; {@code graphql: {raw: true}} is the escape hatch whose caller writes the
   * document. Read-only follows from the document (a query), so the tool gives no method, path or readOnly.
   */
  private static ToolDefinition.GraphQl parseGraphql(String where, Map<?, ?> t, List<String> problems) {
    Object raw = t.get("graphql");
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Map<?, ?> g)) {
      problems.add(where + ": 'graphql' must be a mapping with query and data (or raw: true)");
      return null;
    }
    unknownKeys(g, GRAPHQL_KEYS, where + " graphql", problems);
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
  private static Map<?, ?> withGraphqlRequest(Map<?, ?> t) {
    Map<Object, Object> copy = new LinkedHashMap<>(t);
    copy.put("method", "POST");
    copy.put("path", InstanceIntrospector.GRAPHQL_PATH);
    return copy;
  }

  private static ParamSpec parseParam(String where, String argName, Map<?, ?> ps, boolean inPathTemplate,
                                      boolean bodyDefault, List<String> problems) {
    String pw = where + ": param '" + argName + "'";
    if (!NAME.matcher(argName).matches()) {
      problems.add(pw + ": names are lower_snake_case");
      return null;
    }
    JsonObject schema = new JsonObject();
    for (Map.Entry<?, ?> e : ps.entrySet()) {
      String k = String.valueOf(e.getKey());
      if (PARAM_META.contains(k)) {
        continue;
      }
      if (!SCHEMA_KEYS.contains(k)) {
        problems.add(pw + ": unknown key '" + k + "'");
        continue;
      }
      schema.put(k, toJson(e.getValue()));
    }
    String type = schema.getValue("type") instanceof String s ? s : null;
    if (type == null || !TYPES.contains(type)) {
      problems.add(pw + ": 'type' must be one of " + TYPES);
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

  private static ResponseSpec parseResponse(String where, Object raw, List<String> problems) {
    if (raw == null) {
      return new ResponseSpec(ResponseSpec.Kind.OBJECT, List.of(), false);
    }
    if (!(raw instanceof Map<?, ?> m)) {
      problems.add(where + ": 'response' must be a mapping");
      return new ResponseSpec(ResponseSpec.Kind.OBJECT, List.of(), false);
    }
    unknownKeys(m, RESPONSE_KEYS, where + " response", problems);
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

  private static ToolDefinition.Fallback parseFallback(String where, Object raw, List<String> problems) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Map<?, ?> m)) {
      problems.add(where + ": 'fallback' must be a mapping with status, contains and method");
      return null;
    }
    unknownKeys(m, FALLBACK_KEYS, where + " fallback", problems);
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
  private static JsonObject outputSchema(ResponseSpec response, Map<String, JsonObject> types, String where,
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

  private static void addField(JsonObject props, String[] path, int i, Map<String, JsonObject> types, String where,
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

  private static Map<String, List<String>> destructiveIf(String where, Object raw, List<String> problems) {
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

  private static String minVersion(String where, Object raw, List<String> problems) {
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

  private static boolean flag(Map<?, ?> t, String key, boolean otherwise) {
    return t.get(key) instanceof Boolean b ? b : otherwise;
  }

  private static JsonObject inputSchema(List<ParamSpec> params, boolean slim) {
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

  private static Object toJson(Object v) {
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

  private static void unknownKeys(Map<?, ?> m, Set<String> known, String where, List<String> problems) {
    for (Object k : m.keySet()) {
      if (!known.contains(String.valueOf(k))) {
        problems.add(where + ": unknown key '" + k + "'");
      }
    }
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  /**
   * Validates every input and output schema against the official JSON Schema 2020-12 meta-schema.
   * Too slow for startup (most of a second); the test suite runs it to keep {@link SchemaCheck} honest.
   *
   * @return "tool: error" for each schema the meta-schema rejects
   */
  public static List<String> metaSchemaProblems(Vertx vertx, ToolCatalog catalog) {
    SchemaRepository repo = SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
        .setBaseUri("https://gitlab-mcp-gateway.local/")).preloadMetaSchema(vertx.fileSystem(), Draft.DRAFT202012);
    Validator meta = repo.validator(META_SCHEMA);
    List<String> problems = new ArrayList<>();
    for (ToolDefinition t : catalog.all()) {
      for (String key : List.of("inputSchema", "outputSchema")) {
        JsonObject schema = t.descriptor().getJsonObject(key);
        if (schema == null) {
          continue;
        }
        OutputUnit check = meta.validate(schema.copy());
        if (!Boolean.TRUE.equals(check.getValid())) {
          problems.add(t.name() + " " + key + ": " + firstError(check));
        }
      }
    }
    return problems;
  }

  private static String firstError(OutputUnit u) {
    if (u.getErrors() != null && !u.getErrors().isEmpty()) {
      OutputUnit e = u.getErrors().get(0);
      return e.getInstanceLocation() + " " + e.getError();
    }
    return String.valueOf(u.getError());
  }

  private static Map<?, ?> readYaml(ClassLoader loader, String path, List<String> problems) {
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        problems.add(path + ": not found on the classpath");
        return null;
      }
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false); // a repeated key would silently win: make it an error
      Object doc = new Yaml(new SafeConstructor(options)).load(in);
      if (!(doc instanceof Map<?, ?> m)) {
        problems.add(path + ": must be a YAML mapping");
        return null;
      }
      return m;
    } catch (IOException | RuntimeException e) {
      problems.add(path + ": cannot be read as YAML: " + e.getMessage().lines().findFirst().orElse(""));
      return null;
    }
  }
}
