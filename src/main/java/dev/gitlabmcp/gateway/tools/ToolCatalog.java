package dev.gitlabmcp.gateway.tools;

import dev.gitlabmcp.gateway.core.SafeYaml;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The declarative tool catalog: tools/_index.yaml names the toolset files and shared parameters;
 * each toolset file lists its tools. Loaded once at startup, every problem reported at once.
 */
public final class ToolCatalog {

  public static final String INDEX = "tools/_index.yaml";
  static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
  static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_]{1,63}$");
  /** {name} is encoded whole (a/b -> a%2Fb); {+name} keeps its slashes for GitLab's wildcard routes. */
  static final Pattern PLACEHOLDER = Pattern.compile("\\{\\+?([a-z_][a-z0-9_]*)}");
  static final Set<String> TOOLSET_KEYS = Set.of("toolset", "description", "tools");
  static final Set<String> TOOL_KEYS = Set.of("name", "title", "description", "tier", "method", "path",
      "params", "response", "destructive", "readOnly", "idempotent", "core", "projectFree", "fixed", "fallback", "minVersion", "destructiveIf", "graphql");
  static final Set<String> GRAPHQL_KEYS = Set.of("query", "data", "raw");
  static final Set<String> FALLBACK_KEYS = Set.of("status", "contains", "method");
  static final Set<String> PARAM_META = Set.of("in", "as", "required", "commaList", "upperCase");
  static final Set<String> SCHEMA_KEYS = Set.of("type", "description", "enum", "items", "default", "minimum",
      "maximum", "minLength", "maxLength", "pattern", "format", "properties", "additionalProperties", "minItems",
      "maxItems", "const", "examples");
  static final Set<String> RESPONSE_KEYS = Set.of("kind", "fields", "untrusted", "tail", "outputSchema");
  static final Set<String> TIERS = Set.of("free", "premium", "ultimate");
  static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean", "array", "object");

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

  /** The catalog {@link #preload} started reading, taken by the next {@link #load(Vertx)}. */
  private static final AtomicReference<CompletableFuture<ToolCatalog>> PRELOADED = new AtomicReference<>();

  /**
   * Starts reading and checking the catalog on a thread of its own, so that it overlaps the rest of
   * the start (metrics registry, Vert.x, stores) on a second core: it is the largest single step of
   * the start (docs/performance.md). The next {@link #load(Vertx)} takes the result, or its failure.
   */
  public static void preload() {
    CompletableFuture<ToolCatalog> f = new CompletableFuture<>();
    if (!PRELOADED.compareAndSet(null, f)) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        f.complete(load(null, ToolCatalog.class.getClassLoader(), INDEX));
      } catch (RuntimeException | Error e) {
        f.completeExceptionally(e);
      }
    }, "catalog-preload");
    t.setDaemon(true);
    t.start();
  }

  /** Loads the catalog from the classpath (or takes the preloaded one). Blocking: call before deploying verticles. */
  public static ToolCatalog load(Vertx vertx) {
    CompletableFuture<ToolCatalog> preloaded = PRELOADED.getAndSet(null);
    if (preloaded != null) {
      try {
        return preloaded.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw e;
      }
    }
    return load(vertx, ToolCatalog.class.getClassLoader(), INDEX);
  }

  static ToolCatalog load(Vertx vertx, ClassLoader loader, String indexPath) {
    return load(vertx, loader, indexPath, true);
  }

  /**
   * Reads the documents the build compiled to JSON where they match the YAML ({@link CompiledCatalog}), unless
   * {@code compiled} is false or the index is not the packaged one, else the YAML; either way every document is
   * checked the same.
   */
  static ToolCatalog load(Vertx vertx, ClassLoader loader, String indexPath, boolean compiled) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> docs = compiled && INDEX.equals(indexPath) ? CompiledCatalog.read(loader) : null;
    Map<?, ?> index = readDoc(docs, loader, indexPath, problems);
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
      of.forEach((k, v) -> outputFields.put(String.valueOf(k), v instanceof Map<?, ?> m ? (JsonObject) CatalogFields.toJson(m)
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
      Map<?, ?> doc = readDoc(docs, loader, file, problems);
      if (doc == null) {
        continue;
      }
      CatalogFields.unknownKeys(doc, TOOLSET_KEYS, file, problems);
      String toolset = CatalogFields.str(doc.get("toolset"));
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
      toolsets.put(toolset, new Toolset(toolset, CatalogFields.str(doc.get("description")), List.copyOf(names)));
    }
    if (!problems.isEmpty()) {
      throw new CatalogException(problems);
    }
    return new ToolCatalog(java.util.Collections.unmodifiableMap(tools),
        java.util.Collections.unmodifiableMap(toolsets));
  }

  private static ToolDefinition parseTool(String file, String toolset, Map<?, ?> t, Map<String, Map<?, ?>> shared,
                                          Map<String, JsonObject> outputFields, List<String> problems) {
    String name = CatalogFields.str(t.get("name"));
    String where = file + ": tool '" + (name == null ? "?" : name) + "'";
    int before = problems.size();
    if (name == null || !NAME.matcher(name).matches()) {
      problems.add(where + ": 'name' must be lower_snake_case, 2..64 characters");
      return null;
    }
    CatalogFields.unknownKeys(t, TOOL_KEYS, where, problems);
    String description = CatalogFields.str(t.get("description"));
    if (description == null || description.isBlank()) {
      problems.add(where + ": 'description' is required");
    }
    String tier = t.get("tier") == null ? "free" : CatalogFields.str(t.get("tier"));
    if (!TIERS.contains(tier)) {
      problems.add(where + ": 'tier' must be one of " + TIERS);
    }
    ToolDefinition.GraphQl graphql = CatalogFields.parseGraphql(where, t, problems);
    HttpMethod method;
    try {
      if (graphql != null) {
        t = CatalogFields.withGraphqlRequest(t);
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
    ResponseSpec response = CatalogFields.parseResponse(where, t.get("response"), problems);
    for (String flag : List.of("destructive", "readOnly", "idempotent", "core", "projectFree")) {
      if (t.get(flag) != null && !(t.get(flag) instanceof Boolean)) {
        problems.add(where + ": '" + flag + "' must be true or false");
      }
    }
    JsonObject fixed = null;
    if (t.get("fixed") instanceof Map<?, ?> fm) {
      fixed = (JsonObject) CatalogFields.toJson(fm);
    } else if (t.get("fixed") != null) {
      problems.add(where + ": 'fixed' must be a mapping of GitLab parameter names to values");
    }
    ToolDefinition.Fallback fallback = CatalogFields.parseFallback(where, t.get("fallback"), problems);

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
      ParamSpec param = CatalogFields.parseParam(where, argName, ps, placeholders.contains(argName), bodyDefault, problems);
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
        == GraphQlDocument.Kind.QUERY : CatalogFields.flag(t, "readOnly", method == HttpMethod.GET);
    // The raw GraphQL tool is listed as read-only and judged per call (ToolDefinition.readOnly(args)); a call
    // that writes must never be sent twice, so it is never retried.
    boolean raw = graphql != null && graphql.raw();
    ToolDefinition.Traits traits = new ToolDefinition.Traits(readOnly,
        !readOnly && CatalogFields.flag(t, "destructive", method == HttpMethod.DELETE),
        !raw && (readOnly || CatalogFields.flag(t, "idempotent", method != HttpMethod.POST && method != HttpMethod.PATCH)),
        CatalogFields.flag(t, "core", false), CatalogFields.flag(t, "projectFree", false), CatalogFields.minVersion(where, t.get("minVersion"), problems),
        CatalogFields.destructiveIf(where, t.get("destructiveIf"), problems));
    if (problems.size() > before) {
      return null;
    }
    JsonObject schema = CatalogFields.inputSchema(params, !response.fields().isEmpty());
    List<String> schemaProblems = SchemaCheck.problems(schema);
    if (!schemaProblems.isEmpty()) {
      problems.add(where + ": input schema is not valid JSON Schema 2020-12: " + String.join("; ", schemaProblems));
      return null;
    }
    SchemaValidator validator = new SchemaValidator(schema);
    String title = CatalogFields.str(t.get("title"));
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
      descriptor.put("outputSchema", CatalogFields.outputSchema(response, outputFields, where, problems));
    }
    descriptor.put("annotations", annotations);
    return new ToolDefinition(name, title, description.strip(), toolset, tier, method, paths, params, response,
        traits, fixed, fallback, schema, descriptor, validator, graphql);
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

  private static Map<?, ?> readDoc(Map<String, Object> compiled, ClassLoader loader, String path,
                                   List<String> problems) {
    return compiled != null && compiled.get(path) instanceof Map<?, ?> m ? m : readYaml(loader, path, problems);
  }

  private static Map<?, ?> readYaml(ClassLoader loader, String path, List<String> problems) {
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        problems.add(path + ": not found on the classpath");
        return null;
      }
      Object doc = SafeYaml.load(in, false); // a repeated key would silently win: make it an error
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
