package dev.gitlabmcp.gateway.config;

import dev.gitlabmcp.gateway.core.SafeYaml;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the GitLab instances. Sources, first found wins: the instances file (GITLAB_INSTANCES_FILE or
 * --instances, default conf/instances.json; .json, .yaml or .yml), then GITLAB_INSTANCES (name=url pairs
 * or the same JSON document), then the single GITLAB_API_URL. Every problem is reported with its JSON path.
 * Secrets never come from the file: instance {@code corp-gitlab} reads GITLAB_OAUTH_CLIENT_SECRET_CORP_GITLAB
 * (or the file named by GITLAB_OAUTH_CLIENT_SECRET_CORP_GITLAB_FILE) and GITLAB_PERSONAL_ACCESS_TOKEN_CORP_GITLAB.
 */
public final class InstancesLoader {

  public static final Path DEFAULT_FILE = Path.of("conf", "instances.json");
  public static final Pattern NAME = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
  private static final Set<String> TOP_KEYS = Set.of("defaults", "instances");
  private static final Set<String> INSTANCE_KEYS = Set.of("name", "url", "label", "default", "oauth", "http",
      "rateLimit");
  private static final Set<String> DEFAULTS_KEYS = Set.of("oauth", "http", "rateLimit");
  private static final Set<String> OAUTH_KEYS = Set.of("clientId", "scopes");
  private static final Set<String> HTTP_KEYS = Set.of("http2", "h2c", "maxConnections", "keepAliveSeconds",
      "connectTimeoutMs", "requestTimeoutMs", "maxResponseBytes", "maxRetries", "caFile", "insecureSkipVerify", "proxy",
      "noProxy");
  private static final Set<String> RATE_KEYS = Set.of("requestsPerSecond", "burst", "maxConcurrent", "queueSize",
      "queueTimeoutMs", "maxResponseBytesInFlight");

  /** Where the instances came from, for logs and `config check`. */
  public enum Source { FILE, ENV, LEGACY_URL }

  /** The outcome. {@code instances} is empty exactly when {@code problems} is not. */
  public record Loaded(List<GitLabConfig> instances, Source source, String origin, List<String> problems) {

    public GitLabConfig defaultInstance() {
      return instances.stream().filter(GitLabConfig::isDefault).findFirst().orElse(instances.get(0));
    }
  }

  private InstancesLoader() {
  }

  /**
   * @param base the gateway-wide GitLab settings (URL, token, HTTP options): the built-in defaults of every instance
   * @param file the file named by --instances or GITLAB_INSTANCES_FILE, or null for conf/instances.json if present
   */
  public static Loaded load(GitLabConfig base, Path file, Map<String, String> env) {
    String named = file != null ? file.toString() : env.getOrDefault("GITLAB_INSTANCES_FILE", "");
    return load(base, named, env.getOrDefault("GITLAB_INSTANCES", ""), env);
  }

  /**
   * @param fileSetting gitlab.instancesFile (empty: conf/instances.json when it exists)
   * @param inline gitlab.instances (name=url pairs or the JSON document; used when there is no file)
   */
  public static Loaded load(GitLabConfig base, String fileSetting, String inline, Map<String, String> env) {
    Path chosen = fileSetting == null || fileSetting.isBlank() ? null : Path.of(fileSetting.trim());
    if (chosen != null || Files.isRegularFile(DEFAULT_FILE)) {
      Path p = chosen != null ? chosen : DEFAULT_FILE;
      List<String> problems = new ArrayList<>();
      JsonObject doc = readFile(p, problems);
      return doc == null ? new Loaded(List.of(), Source.FILE, p.toString(), problems)
          : fromDocument(doc, base, env, Source.FILE, p.toString());
    }
    if (inline != null && !inline.isBlank()) {
      return fromEnv(inline.trim(), base, env);
    }
    GitLabConfig only = base.withToken(tokenFor(base.name(), true, base.token(), env));
    return new Loaded(List.of(only), Source.LEGACY_URL, "GITLAB_API_URL", List.of());
  }

  /** Parses a document (from the file or GITLAB_INSTANCES) and validates it. */
  public static Loaded fromDocument(JsonObject doc, GitLabConfig base, Map<String, String> env, Source source,
                                    String origin) {
    List<String> problems = new ArrayList<>();
    unknown(doc, TOP_KEYS, "", problems);
    JsonObject defaults = new JsonObject();
    if (doc.getValue("defaults") != null) {
      if (doc.getValue("defaults") instanceof JsonObject d) {
        unknown(d, DEFAULTS_KEYS, "defaults", problems);
        defaults = d;
      } else {
        problems.add("defaults must be an object");
      }
    }
    if (!(doc.getValue("instances") instanceof JsonArray list) || list.isEmpty()) {
      problems.add("instances must be a non-empty array of instances");
      return new Loaded(List.of(), source, origin, problems);
    }
    List<GitLabConfig> out = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    int defaultsSeen = 0;
    for (int i = 0; i < list.size(); i++) {
      String at = "instances[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject raw)) {
        problems.add(at + " must be an object");
        continue;
      }
      unknown(raw, INSTANCE_KEYS, at, problems);
      JsonObject merged = merge(defaults, raw);
      String name = raw.getValue("name") instanceof String s ? s : null;
      if (name == null || !NAME.matcher(name).matches()) {
        problems.add(at + ".name must be a DNS label (lower-case letters, digits and '-', 1..63 characters)");
        name = null;
      } else if (!names.add(name)) {
        problems.add(at + ".name '" + name + "' is used twice");
      } else if (list.size() > 1 && name.equals("default")) {
        problems.add(at + ".name 'default' is reserved when there are several instances: name each one");
      }
      URI url = raw.getValue("url") instanceof String u ? GitLabConfig.normalizeUrl(u) : null;
      if (url == null) {
        problems.add(at + ".url must be an absolute http(s) URL without credentials, query or fragment");
      }
      Object label = raw.getValue("label");
      if (label != null && !(label instanceof String)) {
        problems.add(at + ".label must be a string");
      }
      Object def = raw.getValue("default");
      if (def != null && !(def instanceof Boolean)) {
        problems.add(at + ".default must be true or false");
      }
      boolean isDefault = Boolean.TRUE.equals(def);
      defaultsSeen += isDefault ? 1 : 0;
      JsonObject http = object(merged, "http", at, problems);
      JsonObject rate = object(merged, "rateLimit", at, problems);
      JsonObject oauth = object(merged, "oauth", at, problems);
      unknown(http, HTTP_KEYS, at + ".http", problems);
      unknown(rate, RATE_KEYS, at + ".rateLimit", problems);
      unknown(oauth, OAUTH_KEYS, at + ".oauth", problems);
      RateLimitConfig rl = rateLimit(rate, at + ".rateLimit", problems);
      OAuthClientConfig oc = oauth(name == null ? "invalid" : name, oauth, at + ".oauth", env, problems);
      String ca = str(http, "caFile", "", at + ".http", problems);
      if (!ca.isEmpty() && !Files.isReadable(Path.of(ca))) {
        problems.add(at + ".http.caFile " + ca + " cannot be read");
      }
      String proxy = str(http, "proxy", "", at + ".http", problems);
      if (!proxy.isEmpty()) {
        URI p = GitLabConfig.normalizeUrl(proxy);
        if (p == null || !"http".equalsIgnoreCase(p.getScheme())) {
          problems.add(at + ".http.proxy must be an http://host:port URL");
        }
      }
      boolean http2 = bool(http, "http2", base.http2(), at + ".http", problems);
      boolean h2c = bool(http, "h2c", base.h2c(), at + ".http", problems);
      int maxConnections = (int) num(http, "maxConnections", base.maxConnections(), 1, 1024, at + ".http", problems);
      int keepAlive = (int) num(http, "keepAliveSeconds", base.keepAliveSeconds(), 1, 3600, at + ".http", problems);
      int connectTimeout = (int) num(http, "connectTimeoutMs", base.connectTimeoutMs(), 100, 120_000, at + ".http",
          problems);
      int requestTimeout = (int) num(http, "requestTimeoutMs", base.requestTimeoutMs(), 100, 600_000, at + ".http",
          problems);
      long maxResponse = num(http, "maxResponseBytes", base.maxResponseBytes(), 1024, 512L * 1024 * 1024, at + ".http",
          problems);
      int maxRetries = (int) num(http, "maxRetries", base.maxRetries(), 0, 10, at + ".http", problems);
      boolean insecure = bool(http, "insecureSkipVerify", false, at + ".http", problems);
      List<String> noProxy = strings(http, "noProxy", at + ".http", problems);
      if (name == null || url == null) {
        continue; // reported above; the rest of the entry was still checked
      }
      out.add(new GitLabConfig(name, url, Secret.NONE, http2, h2c, maxConnections, keepAlive, connectTimeout,
          requestTimeout, maxResponse, maxRetries, label instanceof String l ? l : name, isDefault, ca, insecure, proxy,
          noProxy, oc, rl));
    }
    if (defaultsSeen > 1) {
      problems.add("instances: only one instance may be \"default\": true (" + defaultsSeen + " are)");
    }
    if (!problems.isEmpty()) {
      return new Loaded(List.of(), source, origin, problems);
    }
    if (defaultsSeen == 0) {
      GitLabConfig first = out.get(0);
      out.set(0, withDefault(first));
    }
    List<GitLabConfig> withTokens = new ArrayList<>();
    for (GitLabConfig c : out) {
      withTokens.add(c.withToken(tokenFor(c.name(), c.isDefault(), base.token(), env)));
    }
    return new Loaded(List.copyOf(withTokens), source, origin, List.of());
  }

  private static Loaded fromEnv(String inline, GitLabConfig base, Map<String, String> env) {
    if (inline.startsWith("{")) {
      try {
        return fromDocument(new JsonObject(inline), base, env, Source.ENV, "GITLAB_INSTANCES");
      } catch (DecodeException e) {
        return new Loaded(List.of(), Source.ENV, "GITLAB_INSTANCES",
            List.of("GITLAB_INSTANCES is not valid JSON: " + firstLine(e.getMessage())));
      }
    }
    JsonArray list = new JsonArray();
    List<String> problems = new ArrayList<>();
    for (String pair : inline.split("\\s+")) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        problems.add("GITLAB_INSTANCES: '" + ConfigLoader.maskUserInfo(pair) + "' is not name=url (pairs are separated by spaces)");
        continue;
      }
      list.add(new JsonObject().put("name", pair.substring(0, eq)).put("url", pair.substring(eq + 1)));
    }
    if (!problems.isEmpty()) {
      return new Loaded(List.of(), Source.ENV, "GITLAB_INSTANCES", problems);
    }
    return fromDocument(new JsonObject().put("instances", list), base, env, Source.ENV, "GITLAB_INSTANCES");
  }

  /** Upper case, '-' to '_': corp-gitlab -> CORP_GITLAB. */
  public static String envSuffix(String name) {
    return name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** GITLAB_PERSONAL_ACCESS_TOKEN_NAME, or for the default instance the plain GITLAB_PERSONAL_ACCESS_TOKEN. */
  static Secret tokenFor(String name, boolean isDefault, Secret legacy, Map<String, String> env) {
    String own = env.get("GITLAB_PERSONAL_ACCESS_TOKEN_" + envSuffix(name));
    if (own != null && !own.isBlank()) {
      return new Secret(own.trim());
    }
    return isDefault ? legacy : Secret.NONE;
  }

  private static GitLabConfig withDefault(GitLabConfig c) {
    return new GitLabConfig(c.name(), c.baseUrl(), c.token(), c.http2(), c.h2c(), c.maxConnections(),
        c.keepAliveSeconds(), c.connectTimeoutMs(), c.requestTimeoutMs(), c.maxResponseBytes(), c.maxRetries(),
        c.label(), true, c.caFile(), c.insecureSkipVerify(), c.proxy(), c.noProxy(), c.oauth(), c.rateLimit());
  }

  private static OAuthClientConfig oauth(String name, JsonObject o, String at, Map<String, String> env,
                                         List<String> problems) {
    String clientId = o.getValue("clientId") == null ? "" : o.getValue("clientId") instanceof String s ? s.trim()
        : String.valueOf(o.getValue("clientId")); // a numeric id is fine
    List<String> scopes = o.getValue("scopes") == null ? List.of("api") : strings(o, "scopes", at, problems);
    String var = "GITLAB_OAUTH_CLIENT_SECRET_" + envSuffix(name);
    String secret = env.get(var);
    if ((secret == null || secret.isBlank()) && env.get(var + "_FILE") != null) {
      try {
        secret = Files.readString(Path.of(env.get(var + "_FILE").trim()), StandardCharsets.UTF_8).trim();
      } catch (IOException | RuntimeException e) {
        problems.add(var + "_FILE cannot be read");
      }
    }
    if (clientId.isEmpty() && secret != null && !secret.isBlank()) {
      problems.add(at + ".clientId is missing but " + var + " is set: the GitLab application of instance '" + name
          + "' is incomplete (give its Application ID as oauth.clientId, or unset the secret)");
    }
    return new OAuthClientConfig(clientId, scopes, secret == null ? Secret.NONE : new Secret(secret.trim()));
  }

  private static RateLimitConfig rateLimit(JsonObject r, String at, List<String> problems) {
    RateLimitConfig d = RateLimitConfig.DEFAULT;
    double rps = r.getValue("requestsPerSecond") == null ? d.requestsPerSecond()
        : r.getValue("requestsPerSecond") instanceof Number n ? n.doubleValue() : Double.NaN;
    if (!(rps > 0 && rps <= 100_000)) {
      problems.add(at + ".requestsPerSecond must be a number above 0 and at most 100000");
      rps = d.requestsPerSecond();
    }
    long burst = num(r, "burst", Math.max(d.burst(), (long) Math.ceil(rps)), 1, 1_000_000, at, problems);
    if (burst < rps) {
      problems.add(at + ".burst must be >= requestsPerSecond (" + burst + " < " + trim(rps) + ")");
    }
    return new RateLimitConfig(rps, (int) burst,
        (int) num(r, "maxConcurrent", d.maxConcurrent(), 1, 100_000, at, problems),
        (int) num(r, "queueSize", d.queueSize(), 0, 1_000_000, at, problems),
        (int) num(r, "queueTimeoutMs", d.queueTimeoutMs(), 0, 600_000, at, problems),
        num(r, "maxResponseBytesInFlight", d.maxResponseBytesInFlight(), 1024, 64L * 1024 * 1024 * 1024, at,
            problems));
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** Defaults merged field by field under the instance's own values (one level into http, oauth, rateLimit). */
  static JsonObject merge(JsonObject defaults, JsonObject instance) {
    JsonObject out = instance.copy();
    for (String section : DEFAULTS_KEYS) {
      if (defaults.getValue(section) instanceof JsonObject d) {
        JsonObject mine = instance.getValue(section) instanceof JsonObject m ? m : new JsonObject();
        JsonObject both = d.copy();
        mine.forEach(e -> both.put(e.getKey(), e.getValue()));
        if (instance.getValue(section) == null || instance.getValue(section) instanceof JsonObject) {
          out.put(section, both);
        }
      }
    }
    return out;
  }

  private static JsonObject object(JsonObject o, String key, String at, List<String> problems) {
    Object v = o.getValue(key);
    if (v == null) {
      return new JsonObject();
    }
    if (v instanceof JsonObject j) {
      return j;
    }
    problems.add(at + "." + key + " must be an object");
    return new JsonObject();
  }

  private static boolean bool(JsonObject o, String key, boolean def, String at, List<String> problems) {
    Object v = o.getValue(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    problems.add(at + "." + key + " must be true or false");
    return def;
  }

  private static long num(JsonObject o, String key, long def, long min, long max, String at, List<String> problems) {
    Object v = o.getValue(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      problems.add(at + "." + key + " must be a whole number");
      return def;
    }
    long l = n.longValue();
    if (l < min || l > max) {
      problems.add(at + "." + key + " must be in " + min + ".." + max + " (is " + l + ")");
      return def;
    }
    return l;
  }

  private static String str(JsonObject o, String key, String def, String at, List<String> problems) {
    Object v = o.getValue(key);
    if (v == null) {
      return def;
    }
    if (v instanceof String s) {
      return s.trim();
    }
    problems.add(at + "." + key + " must be a string");
    return def;
  }

  private static List<String> strings(JsonObject o, String key, String at, List<String> problems) {
    Object v = o.getValue(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof String s) {
      return List.of(s.split("[,\\s]+")).stream().filter(x -> !x.isBlank()).toList();
    }
    if (v instanceof JsonArray a && a.stream().allMatch(x -> x instanceof String)) {
      return a.stream().map(String::valueOf).map(String::trim).toList();
    }
    problems.add(at + "." + key + " must be a list of strings");
    return List.of();
  }

  private static void unknown(JsonObject o, Set<String> known, String at, List<String> problems) {
    for (String k : o.fieldNames()) {
      if (!known.contains(k)) {
        problems.add((at.isEmpty() ? "" : at + ".") + k + " is not a known field (known: " + String.join(", ",
            known.stream().sorted().toList()) + ")");
      }
    }
  }

  /** Reads a .json, .yaml or .yml instances file into JSON. */
  public static JsonObject readFile(Path p, List<String> problems) {
    String text;
    try {
      text = Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add("instances file " + p + " cannot be read: " + e.getClass().getSimpleName());
      return null;
    }
    String lower = p.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
        Object doc = SafeYaml.load(text, false);
        if (!(doc instanceof Map<?, ?>)) {
          problems.add(p + ": the top level must be a mapping with 'instances'");
          return null;
        }
        return new JsonObject(YamlValues.CODEC.toString(doc, false));
      }
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      problems.add(p + " is not valid JSON: " + firstLine(e.getMessage()));
      return null;
    } catch (RuntimeException e) {
      problems.add(p + " is not valid YAML: " + firstLine(e.getMessage()));
      return null;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "parse error";
    }
    int nl = s.indexOf('\n');
    String line = (nl < 0 ? s : s.substring(0, nl)).replace("Failed to decode:", "").trim();
    int src = line.indexOf(" (start marker");
    return src < 0 ? line : line.substring(0, src);
  }

  /** For the sample-config command and docs. */
  public static JsonObject sample() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("defaults", new JsonObject()
        .put("http", new JsonObject().put("http2", true).put("maxConnections", 32).put("keepAliveSeconds", 60)
            .put("connectTimeoutMs", 5000).put("requestTimeoutMs", 30000))
        .put("rateLimit", new JsonObject().put("requestsPerSecond", 20).put("burst", 40).put("maxConcurrent", 32)
            .put("queueSize", 256).put("queueTimeoutMs", 5000)));
    doc.put("instances", new JsonArray()
        .add(new JsonObject().put("name", "gitlab-com").put("url", "https://gitlab.com").put("label", "GitLab.com")
            .put("default", true).put("oauth", new JsonObject().put("clientId", "").put("scopes", new JsonArray().add("api"))))
        .add(new JsonObject().put("name", "corp").put("url", "https://gitlab.corp.example.com").put("label", "Corp GitLab")
            .put("http", new JsonObject().put("caFile", "").put("proxy", "").put("noProxy", new JsonArray()))
            .put("rateLimit", new JsonObject().put("requestsPerSecond", 10).put("burst", 20))));
    return new JsonObject(doc);
  }

  /**
   * YAML values JSON has no type for (timestamps, binary) written as Vert.x's databind codec always wrote them.
   * A holder: jackson-databind (~250 classes) loads when an instances file is YAML, not with every start.
   */
  private static final class YamlValues {
    static final DatabindCodec CODEC = new DatabindCodec();
  }
}
