package dev.gitlabmcp.gateway.config;

import dev.gitlabmcp.gateway.core.SafeYaml;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Resolves every setting: command-line flag > environment variable > gateway.yaml > default, and
 * collects every problem before failing.
 */
public final class ConfigLoader {

  public static final Path DEFAULT_FILE = Path.of("conf", "gateway.yaml");
  private static final Set<String> TRUE = Set.of("true", "1", "yes", "on");
  private static final Set<String> FALSE = Set.of("false", "0", "no", "off", "");

  /** Where a value came from, for `config check`. */
  public enum Source { FLAG, ENV, FILE, DEFAULT }

  /** One resolved setting. */
  public record Entry(Setting setting, String value, Source source, String origin) {

    public String shown() {
      if (setting.secret()) {
        return new Secret(value).masked();
      }
      return maskUserInfo(value); // a proxy URL may carry a password too
    }
  }

  /** The outcome: the typed config, each entry with its source, and what was read. */
  public record Loaded(GatewayConfig config, List<Entry> entries, Path file) {
  }

  private final Map<String, String> flags;
  private final Map<String, String> env;
  private final Path explicitFile;

  /**
   * @param flags values from the command line, keyed by setting key (server.port)
   * @param env the process environment
   * @param explicitFile a file named with --config or GATEWAY_CONFIG, or null for the default
   */
  public ConfigLoader(Map<String, String> flags, Map<String, String> env, Path explicitFile) {
    this(flags, env, explicitFile, true);
  }

  private final boolean useDefaultFile;

  private ConfigLoader(Map<String, String> flags, Map<String, String> env, Path explicitFile, boolean useDefaultFile) {
    this.flags = Map.copyOf(flags);
    this.env = Map.copyOf(env);
    this.explicitFile = explicitFile;
    this.useDefaultFile = useDefaultFile;
  }

  /** A loader that reads no file unless one is named: for embedding and tests. */
  public static ConfigLoader withoutDefaultFile(Map<String, String> flags, Map<String, String> env) {
    return new ConfigLoader(flags, env, null, false);
  }

  private Path file;
  private Map<String, String> fileValues;
  private List<String> fileProblems;

  /** Reads the file once: which one, its values, and what was wrong with it. */
  private void readFileOnce() {
    if (fileValues != null) {
      return;
    }
    fileValues = new LinkedHashMap<>();
    fileProblems = new ArrayList<>();
    file = explicitFile;
    if (file == null && env.get("GATEWAY_CONFIG") != null && !env.get("GATEWAY_CONFIG").isBlank()) {
      file = Path.of(env.get("GATEWAY_CONFIG"));
    }
    if (file != null && !Files.isRegularFile(file)) {
      fileProblems.add("configuration file " + file + " does not exist or is not a file");
      return;
    }
    if (file == null && useDefaultFile && Files.isRegularFile(DEFAULT_FILE)) {
      file = DEFAULT_FILE;
    }
    if (file != null) {
      readYaml(file, fileValues, fileProblems);
    }
  }

  /** The file that was (or would be) read, or null. */
  public Path file() {
    readFileOnce();
    return file;
  }

  /** Every setting with its raw value and source, before parsing. */
  public List<Entry> entries() {
    readFileOnce();
    List<Entry> entries = new ArrayList<>();
    for (Setting s : Settings.ALL) {
      entries.add(resolve(s, fileValues, file));
    }
    return entries;
  }

  public Loaded load(GatewayConfig.Mode mode) {
    readFileOnce();
    List<String> problems = new ArrayList<>(fileProblems);
    for (String key : flags.keySet()) {
      if (Settings.byKey(key) == null) {
        problems.add("unknown setting '" + key + "' given on the command line");
      }
    }
    List<Entry> entries = entries();
    Map<Setting, Object> typed = new LinkedHashMap<>();
    for (Entry e : entries) {
      typed.put(e.setting(), parse(e.setting(), e, problems));
    }
    if (problems.isEmpty()) {
      GatewayConfig config = build(typed, entries, env, problems);
      if (config == null) {
        throw new ConfigException(problems);
      }
      problems.addAll(config.crossCheck(mode));
      if (problems.isEmpty()) {
        return new Loaded(config, List.copyOf(entries), file);
      }
    }
    throw new ConfigException(problems);
  }

  /**
   * The gateway-wide GitLab settings every instance starts from (URL, token, HTTP options), without
   * reading the instances or checking anything else: for the `instances` commands.
   */
  public GitLabConfig gitlabDefaults() {
    readFileOnce();
    List<String> problems = new ArrayList<>(fileProblems);
    Map<Setting, Object> typed = new LinkedHashMap<>();
    for (Entry e : entries()) {
      typed.put(e.setting(), parse(e.setting(), e, problems));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return base(typed);
  }

  private static GitLabConfig base(Map<Setting, Object> t) {
    return new GitLabConfig("default",
        GitLabConfig.normalizeUrl((String) t.get(Settings.GITLAB_URL)),
        new Secret(((String) t.get(Settings.GITLAB_TOKEN)).trim()),
        (Boolean) t.get(Settings.GITLAB_HTTP2), (Boolean) t.get(Settings.GITLAB_H2C),
        i(t, Settings.GITLAB_MAX_CONNECTIONS), i(t, Settings.GITLAB_KEEPALIVE),
        i(t, Settings.GITLAB_CONNECT_TIMEOUT), i(t, Settings.GITLAB_REQUEST_TIMEOUT),
        (Long) t.get(Settings.GITLAB_MAX_RESPONSE_BYTES), i(t, Settings.GITLAB_MAX_RETRIES));
  }

  private Entry resolve(Setting s, Map<String, String> fileValues, Path file) {
    if (flags.containsKey(s.key())) {
      return new Entry(s, flags.get(s.key()), Source.FLAG, "--" + s.key());
    }
    for (String name : s.envNames()) {
      String v = env.get(name);
      if (v != null) {
        return new Entry(s, v, Source.ENV, name);
      }
    }
    if (fileValues.containsKey(s.key())) {
      return new Entry(s, fileValues.get(s.key()), Source.FILE, String.valueOf(file));
    }
    return new Entry(s, s.defaultValue(), Source.DEFAULT, "default");
  }

  private static Object parse(Setting s, Entry e, List<String> problems) {
    String raw = e.value() == null ? "" : e.value().trim();
    String where = s.displayName() + " from " + e.origin();
    switch (s.type()) {
      case INT -> {
        try {
          long v = Long.parseLong(raw);
          if (v < s.min() || v > s.max()) {
            problems.add(where + ": " + v + " is out of range " + s.min() + ".." + s.max());
            return null;
          }
          return v;
        } catch (NumberFormatException ex) {
          problems.add(where + ": '" + safe(s, raw) + "' is not a whole number");
          return null;
        }
      }
      case BOOL -> {
        String v = raw.toLowerCase(Locale.ROOT);
        if (TRUE.contains(v)) {
          return true;
        }
        if (FALSE.contains(v)) {
          return false;
        }
        problems.add(where + ": '" + safe(s, raw) + "' is not true or false");
        return null;
      }
      case LIST -> {
        return raw.isEmpty() ? List.of()
            : Arrays.stream(raw.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
      }
      case URL -> {
        if (raw.isEmpty()) {
          return "";
        }
        if (s == Settings.GITLAB_URL && raw.contains(",")) {
          problems.add(where + ": several URLs are not supported here; name each instance in GITLAB_INSTANCES "
              + "instead (e.g. GITLAB_INSTANCES=\"com=https://gitlab.com corp=https://gitlab.corp\"), the first is the "
              + "default");
          return null;
        }
        var uri = GitLabConfig.normalizeUrl(raw);
        if (uri == null) {
          problems.add(where + ": '" + maskUserInfo(raw) + "' is not an absolute http(s) URL without query or credentials");
          return null;
        }
        return uri.toString();
      }
      case CHOICE -> {
        String v = raw.toLowerCase(Locale.ROOT);
        if (!s.choices().contains(v)) {
          problems.add(where + ": '" + raw + "' is not one of " + s.choices());
          return null;
        }
        return v;
      }
      default -> {
        return e.value() == null ? "" : e.value();
      }
    }
  }

  /** https://user:secret@host -> https://****@host: credentials in a URL are never shown. */
  public static String maskUserInfo(String url) {
    return url == null ? null : url.replaceAll("(?i)^([a-z][a-z0-9+.-]*://)[^/@?#]*@", "$1****@");
  }

  private static String safe(Setting s, String raw) {
    return s.secret() ? "******" : raw;
  }

  private static GatewayConfig build(Map<Setting, Object> t, List<Entry> entries, Map<String, String> env,
                                     List<String> problems) {
    GitLabConfig base = base(t);
    InstancesLoader.Loaded loaded = InstancesLoader.load(base, (String) t.get(Settings.INSTANCES_FILE),
        (String) t.get(Settings.INSTANCES), env);
    if (!loaded.problems().isEmpty()) {
      loaded.problems().forEach(p -> problems.add("GitLab instances (" + loaded.origin() + "): " + p));
      return null;
    }
    UnsupportedSettings.Findings unsupported = UnsupportedSettings.check(env);
    problems.addAll(unsupported.problems());
    List<String> notices = new ArrayList<>(unsupported.warnings());
    boolean single = loaded.source() == InstancesLoader.Source.LEGACY_URL;
    List<GitLabConfig> list = single ? List.of(network(loaded.instances().get(0), t, problems))
        : loaded.instances();
    notices.addAll(overridden(loaded, entries));
    InstancesConfig instances = new InstancesConfig(list, loaded.source(), loaded.origin(),
        loaded.source() == InstancesLoader.Source.FILE ? Path.of(loaded.origin()) : null,
        i(t, Settings.INSTANCES_RELOAD), base, env);
    GitLabConfig gitlab = instances.defaultInstance();
    return new GatewayConfig(
        ((String) t.get(Settings.HOST)).trim(), i(t, Settings.PORT), (String) t.get(Settings.PUBLIC_URL),
        list(t, Settings.ALLOWED_ORIGINS), list(t, Settings.ALLOWED_HOSTS),
        (Long) t.get(Settings.MAX_BODY_BYTES), i(t, Settings.IDLE_TIMEOUT), i(t, Settings.SSE_HEARTBEAT),
        (Boolean) t.get(Settings.TRUST_PROXY), i(t, Settings.HTTP_VERTICLES),
        i(t, Settings.SESSION_TIMEOUT), i(t, Settings.MAX_SESSIONS), i(t, Settings.MAX_REQUESTS_PER_MINUTE),
        i(t, Settings.IP_REQUESTS_PER_MINUTE),
        new Secret(((String) t.get(Settings.MCP_AUTH_TOKEN)).trim()),
        new Secret(((String) t.get(Settings.HEALTH_DETAIL_TOKEN)).trim()), (Boolean) t.get(Settings.REMOTE_AUTHORIZATION),
        i(t, Settings.TOKEN_CACHE_SECONDS),
        gitlab, instances, (Boolean) t.get(Settings.BACKGROUND_CHECKS),
        (Boolean) t.get(Settings.READ_ONLY), i(t, Settings.MAX_OUTPUT_CHARS), tools(t),
        i(t, Settings.TIER_CACHE_SECONDS),
        (String) t.get(Settings.LOG_FORMAT), (String) t.get(Settings.LOG_LEVEL),
        i(t, Settings.MAX_SESSIONS_PER_USER), i(t, Settings.TRUSTED_PROXY_HOPS), i(t, Settings.BODY_TIMEOUT),
        new Secret(((String) t.get(Settings.REDIS_URL)).trim()), (String) t.get(Settings.REDIS_KEY_PREFIX),
        i(t, Settings.TIER_TIMEOUT_MS), notices, i(t, Settings.DRAIN_SECONDS),
        new RedisTopology((String) t.get(Settings.REDIS_MODE), list(t, Settings.REDIS_ENDPOINTS),
            ((String) t.get(Settings.REDIS_MASTER_NAME)).trim()), Secret.fromValueOrFile((String) t.get(Settings.DATABASE_URL),
            (String) t.get(Settings.DATABASE_URL_FILE), "DATABASE_URL", Settings.DATABASE_URL_FILE.displayName(), problems),
        i(t, Settings.DATABASE_POOL_SIZE),
        Secret.fromValueOrFile((String) t.get(Settings.ENCRYPTION_KEY), (String) t.get(Settings.ENCRYPTION_KEY_FILE),
            "GATEWAY_ENCRYPTION_KEY", Settings.ENCRYPTION_KEY_FILE.displayName(), problems),
        Secret.fromValueOrFile((String) t.get(Settings.ENCRYPTION_OLD_KEYS),
            (String) t.get(Settings.ENCRYPTION_OLD_KEYS_FILE), "GATEWAY_ENCRYPTION_OLD_KEYS",
            Settings.ENCRYPTION_OLD_KEYS_FILE.displayName(), problems),
        i(t, Settings.AUDIT_RETENTION_DAYS),
        new OAuthTokensConfig(i(t, Settings.OAUTH_ACCESS_TOKEN_SECONDS), i(t, Settings.OAUTH_GRANT_DAYS),
            i(t, Settings.OAUTH_REFRESH_MARGIN_SECONDS), i(t, Settings.OAUTH_GRANT_CHECK_SECONDS)),
        OAuthConfig.from(t, problems));
  }

  /**
   * Settings only the single-instance setup reads, with the field an instances file has instead (empty:
   * none, the file names the instances itself).
   */
  private static final Map<Setting, String> SINGLE_INSTANCE_ONLY = Map.of(Settings.GITLAB_URL, "",
      Settings.INSTANCES, "", Settings.HTTPS_PROXY, "http.proxy", Settings.HTTP_PROXY, "http.proxy",
      Settings.NO_PROXY, "http.noProxy", Settings.CA_FILE, "http.caFile");

  /**
   * The lone instance of the single-instance setup with the proxy and CA of the environment, as other
   * GitLab clients read them: HTTPS_PROXY for an https GitLab, HTTP_PROXY for a plain-http one, NO_PROXY
   * for hosts reached directly.
   */
  private static GitLabConfig network(GitLabConfig only, Map<Setting, Object> t, List<String> problems) {
    Setting proxySetting = only.tls() ? Settings.HTTPS_PROXY : Settings.HTTP_PROXY;
    // NO_PROXY entries may carry a port (host:443); the gateway decides per host.
    List<String> noProxy = list(t, Settings.NO_PROXY).stream()
        .map(e -> e.matches("[^:\\[\\]]+:\\d+") ? e.substring(0, e.indexOf(':')) : e).toList();
    // A proxy GitLab does not go through is none of the gateway's business, however it is written.
    String proxy = direct(only.baseUrl().getHost(), noProxy) ? ""
        : proxy(proxySetting, ((String) t.get(proxySetting)).trim(), problems);
    String ca = ((String) t.get(Settings.CA_FILE)).trim();
    if (!ca.isEmpty() && !Files.isReadable(Path.of(ca))) {
      problems.add(Settings.CA_FILE.displayName() + " " + ca + " cannot be read");
    }
    return only.withNetwork(ca, proxy, noProxy);
  }

  /** NO_PROXY as curl reads it: "*", the host itself, or a ".suffix" (also written "*.suffix") of it. */
  private static boolean direct(String host, List<String> noProxy) {
    String h = host.toLowerCase(Locale.ROOT);
    return noProxy.stream().map(e -> e.trim().toLowerCase(Locale.ROOT).replaceFirst("^\\*\\.", "."))
        .anyMatch(e -> e.equals("*") || e.equals(h)
            || (e.startsWith(".") && (h.endsWith(e) || h.equals(e.substring(1)))));
  }

  /** The proxy URL normalized, or "" after reporting why it cannot be used. */
  private static String proxy(Setting s, String raw, List<String> problems) {
    if (raw.isEmpty()) {
      return "";
    }
    java.net.URI uri = null;
    try {
      uri = new java.net.URI(raw);
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    if (uri != null && uri.getRawUserInfo() != null) {
      problems.add(s.displayName() + " " + maskUserInfo(raw) + ": a proxy that asks for a user name and password is "
          + "not supported here; let the proxy admit the gateway's host instead, or list GitLab in NO_PROXY");
      return "";
    }
    java.net.URI url = GitLabConfig.normalizeUrl(raw);
    if (url == null || !"http".equalsIgnoreCase(url.getScheme())) {
      problems.add(s.displayName() + " must be an http://host:port proxy URL (a TLS or SOCKS proxy is not "
          + "supported): " + maskUserInfo(raw));
      return "";
    }
    return url.toString();
  }

  /**
   * Which source of instances lost to another, said plainly: the instances file wins over GITLAB_INSTANCES,
   * which wins over GITLAB_API_URL; the proxy and CA settings apply to the single-instance setup only.
   */
  private static List<String> overridden(InstancesLoader.Loaded loaded, List<Entry> entries) {
    if (loaded.source() == InstancesLoader.Source.LEGACY_URL) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    String winner = loaded.source() == InstancesLoader.Source.FILE ? "the instances file " + loaded.origin()
        : "GITLAB_INSTANCES";
    for (Entry e : entries) {
      String instead = SINGLE_INSTANCE_ONLY.get(e.setting());
      if (unused(e, loaded.source())) {
        out.add(e.setting().displayName() + " from " + e.origin() + " is not used: " + winner + " defines the "
            + "instances (instances file > GITLAB_INSTANCES > GITLAB_API_URL)"
            + (instead.isEmpty() ? "." : "; set " + instead + " for each instance there instead."));
      }
    }
    return out;
  }

  /** Whether a setting was given but another source of instances decides (it only serves the single-instance setup). */
  static boolean unused(Entry e, InstancesLoader.Source instancesFrom) {
    if (instancesFrom == InstancesLoader.Source.LEGACY_URL || !SINGLE_INSTANCE_ONLY.containsKey(e.setting())
        || e.source() == Source.DEFAULT || e.value() == null || e.value().isBlank()) {
      return false;
    }
    return e.setting() != Settings.INSTANCES || instancesFrom == InstancesLoader.Source.FILE;
  }

  /** What the environment names of other GitLab MCP servers ask for that this gateway does not do. */
  UnsupportedSettings.Findings unsupported() {
    return UnsupportedSettings.check(env);
  }

  /** For `config check`: where the single instance's URL came from, never a variable that is not set. */
  static String urlOrigin(Entry url) {
    return switch (url.source()) {
      case DEFAULT -> "the built-in default of GITLAB_API_URL";
      case FILE -> url.origin() + " (gitlab.url)";
      case ENV, FLAG -> url.origin();
    };
  }

  static Entry entry(List<Entry> entries, Setting s) {
    return entries.stream().filter(e -> e.setting() == s).findFirst().orElseThrow();
  }

  private static ToolsConfig tools(Map<Setting, Object> t) {
    Set<String> toolsets = new java.util.LinkedHashSet<>();
    for (String ts : list(t, Settings.TOOLSETS)) {
      toolsets.add(ts.toLowerCase(Locale.ROOT));
    }
    if ((Boolean) t.get(Settings.USE_PIPELINE)) {
      toolsets.add("pipelines");
    }
    if ((Boolean) t.get(Settings.USE_MILESTONE)) {
      toolsets.add("milestones");
    }
    if ((Boolean) t.get(Settings.USE_WIKI)) {
      toolsets.add("wiki");
    }
    return new ToolsConfig((String) t.get(Settings.PERMISSION_MODE), toolsets,
        new java.util.LinkedHashSet<>(list(t, Settings.EXTRA_TOOLS)), ((String) t.get(Settings.DENIED_TOOLS_REGEX)).trim(),
        list(t, Settings.ALLOWED_PROJECT_IDS), (String) t.get(Settings.DEFAULT_PROJECT),
        "compact".equals(t.get(Settings.TOOL_LIST_MODE)));
  }

  private static int i(Map<Setting, Object> t, Setting s) {
    return ((Long) t.get(s)).intValue();
  }

  @SuppressWarnings("unchecked")
  private static List<String> list(Map<Setting, Object> t, Setting s) {
    return (List<String>) t.get(s);
  }

  private static void readYaml(Path file, Map<String, String> out, List<String> problems) {
    Object doc;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      doc = SafeYaml.load(r, true);
    } catch (IOException e) {
      problems.add("cannot read " + file + ": " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      problems.add(file + " is not valid YAML: " + firstLine(e.getMessage()));
      return;
    }
    if (doc == null) {
      return;
    }
    if (!(doc instanceof Map<?, ?> map)) {
      problems.add(file + ": the top level must be a mapping of sections (server:, gitlab:, ...)");
      return;
    }
    flatten("", map, out, file, problems);
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out, Path file, List<String> problems) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      Object v = e.getValue();
      if (v instanceof Map<?, ?> m) {
        flatten(key + ".", m, out, file, problems);
      } else if (Settings.byKey(key) == null) {
        problems.add(file + ": unknown setting '" + key + "'");
      } else if (v instanceof List<?> l) {
        out.put(key, String.join(",", l.stream().map(String::valueOf).toList()));
      } else {
        out.put(key, v == null ? "" : String.valueOf(v));
      }
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "parse error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
