package dev.gitlabmcp.gateway;

import dev.gitlabmcp.gateway.config.ConfigException;
import dev.gitlabmcp.gateway.config.ConfigLoader;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.InstancesLoader;
import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.gitlab.GitLabClient;
import dev.gitlabmcp.gateway.gitlab.GitLabClientFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code instances ...}: list, inspect, test and edit the GitLab instances. Exit codes: 0 ok, 1 the thing
 * tested failed (unreachable, TLS, rejected token), 2 usage (unknown instance, bad arguments), 78 invalid
 * configuration (the file, or the edit, would not validate: nothing is written then).
 */
@Command(name = "instances", mixinStandardHelpOptions = true,
    description = "GitLab instances: list, inspect, test, validate and edit the instances file.",
    subcommands = {InstancesCommand.ListInstances.class, InstancesCommand.Info.class, InstancesCommand.Test.class,
        InstancesCommand.Validate.class, InstancesCommand.SampleConfig.class, InstancesCommand.Add.class,
        InstancesCommand.Remove.class})
final class InstancesCommand implements Callable<Integer> {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return OK;
  }

  /** The instances file option; without it GITLAB_INSTANCES_FILE, then conf/instances.json. */
  static final class FileOption {
    @Option(names = {"--instances", "--file"}, paramLabel = "FILE",
        description = "Instances file (.json, .yaml, .yml); default: GITLAB_INSTANCES_FILE or conf/instances.json.")
    Path file;

    /** The file an edit goes to: given, or GITLAB_INSTANCES_FILE, or conf/instances.json. */
    Path target() {
      if (file != null) {
        return file;
      }
      String env = System.getenv("GITLAB_INSTANCES_FILE");
      return env != null && !env.isBlank() ? Path.of(env.trim()) : InstancesLoader.DEFAULT_FILE;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Table of the configured instances: name, label, url, default, HTTP/2, rate limit.")
  static final class ListInstances implements Callable<Integer> {
    @Mixin
    Main.ConfigOptions options = new Main.ConfigOptions();

    @Mixin
    FileOption instances = new FileOption();

    @Override
    public Integer call() {
      InstancesLoader.Loaded loaded = loadOrReport(options, instances.file);
      if (loaded == null) {
        return Main.EXIT_CONFIG;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NAME", "LABEL", "URL", "DEFAULT", "HTTP2", "RATE LIMIT"});
      for (GitLabConfig c : loaded.instances()) {
        rows.add(new String[] {c.name(), c.label(), c.baseUrl().toString(), c.isDefault() ? "yes" : "-", http2(c),
            rate(c.rateLimit())});
      }
      printTable(rows, System.out);
      System.out.println(loaded.instances().size() + " instance(s) from " + origin(loaded));
      return OK;
    }
  }

  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "Every effective setting of one instance; secrets only as set or not set.")
  static final class Info implements Callable<Integer> {
    @Mixin
    Main.ConfigOptions options = new Main.ConfigOptions();

    @Mixin
    FileOption instances = new FileOption();

    @Parameters(index = "0", paramLabel = "NAME", description = "Instance name.")
    String name;

    @Override
    public Integer call() {
      InstancesLoader.Loaded loaded = loadOrReport(options, instances.file);
      if (loaded == null) {
        return Main.EXIT_CONFIG;
      }
      GitLabConfig c = find(loaded, name);
      if (c == null) {
        return unknownInstance(loaded, name);
      }
      String env = InstancesLoader.envSuffix(c.name());
      Map<String, String> f = new LinkedHashMap<>();
      f.put("name", c.name());
      f.put("label", c.label());
      f.put("url", c.baseUrl().toString());
      f.put("api", c.apiBase());
      f.put("default", yesNo(c.isDefault()));
      f.put("token", setOrNot(c.token()) + " (GITLAB_PERSONAL_ACCESS_TOKEN_" + env + ")");
      f.put("http.http2", yesNo(c.http2()) + "  (negotiated: " + http2(c) + ")");
      f.put("http.h2c", yesNo(c.h2c()));
      f.put("http.maxConnections", String.valueOf(c.maxConnections()));
      f.put("http.keepAliveSeconds", String.valueOf(c.keepAliveSeconds()));
      f.put("http.connectTimeoutMs", String.valueOf(c.connectTimeoutMs()));
      f.put("http.requestTimeoutMs", String.valueOf(c.requestTimeoutMs()));
      f.put("http.maxResponseBytes", String.valueOf(c.maxResponseBytes()));
      f.put("http.maxRetries", String.valueOf(c.maxRetries()));
      f.put("http.caFile", c.caFile().isEmpty() ? "(none: the JVM's CAs)" : c.caFile() + " (added to the JVM's CAs)");
      f.put("http.insecureSkipVerify", c.insecureSkipVerify() ? "yes  (WARNING: certificates are not checked)" : "no");
      f.put("http.proxy", c.proxy().isEmpty() ? "(none: direct)" : ConfigLoader.maskUserInfo(c.proxy())
          + (GitLabClientFactory.bypassesProxy(c.baseUrl().getHost(), c.noProxy()) ? "  (not used: host is in noProxy)"
          : ""));
      f.put("http.noProxy", c.noProxy().isEmpty() ? "(none)" : String.join(", ", c.noProxy()));
      f.put("oauth.clientId", c.oauth().clientId().isEmpty() ? "(not configured)" : c.oauth().clientId());
      f.put("oauth.scopes", String.join(" ", c.oauth().scopes()));
      f.put("oauth.clientSecret", setOrNot(c.oauth().clientSecret()) + " (GITLAB_OAUTH_CLIENT_SECRET_" + env
          + " or its _FILE)");
      RateLimitConfig r = c.rateLimit();
      f.put("rateLimit.requestsPerSecond", number(r.requestsPerSecond()));
      f.put("rateLimit.burst", String.valueOf(r.burst()));
      f.put("rateLimit.maxConcurrent", String.valueOf(r.maxConcurrent()));
      f.put("rateLimit.queueSize", String.valueOf(r.queueSize()));
      f.put("rateLimit.queueTimeoutMs", String.valueOf(r.queueTimeoutMs()));
      int width = f.keySet().stream().mapToInt(String::length).max().orElse(10);
      f.forEach((k, v) -> System.out.printf("%-" + width + "s  %s%n", k, v));
      System.out.println("(from " + origin(loaded) + ")");
      return OK;
    }
  }

  @Command(name = "test", mixinStandardHelpOptions = true,
      description = "A real request to each instance (or NAME): reachability, TLS, negotiated HTTP version, GitLab "
          + "version, latency; with a token also the user it belongs to. Exit 1 when any check fails.")
  static final class Test implements Callable<Integer> {
    @Mixin
    Main.ConfigOptions options = new Main.ConfigOptions();

    @Mixin
    FileOption instances = new FileOption();

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Only this instance.")
    String name;

    @Option(names = "--token", paramLabel = "TOKEN",
        description = "A GitLab token to test with (default: the instance's configured token). Never printed.")
    String token;

    @Override
    public Integer call() throws Exception {
      InstancesLoader.Loaded loaded = loadOrReport(options, instances.file);
      if (loaded == null) {
        return Main.EXIT_CONFIG;
      }
      List<GitLabConfig> chosen = loaded.instances();
      if (name != null) {
        GitLabConfig c = find(loaded, name);
        if (c == null) {
          return unknownInstance(loaded, name);
        }
        chosen = List.of(c);
      }
      Vertx vertx = Vertx.vertx();
      try {
        int failed = 0;
        for (GitLabConfig c : chosen) {
          Secret secret = token != null && !token.isBlank() ? new Secret(token.trim()) : c.token();
          long bound = 2L * c.requestTimeoutMs() + c.connectTimeoutMs() + 5_000;
          Probe p = Probe.run(vertx, c, secret).toCompletionStage().toCompletableFuture()
              .get(bound, TimeUnit.MILLISECONDS);
          p.print(c, System.out);
          failed += p.ok() ? 0 : 1;
        }
        System.out.println(failed == 0 ? "All " + chosen.size() + " instance(s) OK."
            : failed + " of " + chosen.size() + " instance(s) FAILED.");
        return failed == 0 ? OK : FAILED;
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Check an instances file; every problem with its JSON path. Exit 78 when invalid.")
  static final class Validate implements Callable<Integer> {
    @Mixin
    Main.ConfigOptions options = new Main.ConfigOptions();

    @Mixin
    FileOption instances = new FileOption();

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The file (default: see --instances).")
    Path file;

    @Override
    public Integer call() {
      GitLabConfig base = baseOrReport(options);
      if (base == null) {
        return Main.EXIT_CONFIG;
      }
      Path chosen = file != null ? file : instances.file;
      InstancesLoader.Loaded loaded = InstancesLoader.load(base, chosen, System.getenv());
      if (!loaded.problems().isEmpty()) {
        System.out.println(origin(loaded) + ": " + loaded.problems().size() + " problem(s):");
        loaded.problems().forEach(p -> System.out.println("  - " + p));
        return Main.EXIT_CONFIG;
      }
      System.out.println(origin(loaded) + " is valid: " + loaded.instances().size() + " instance(s): "
          + String.join(", ", loaded.instances().stream()
              .map(c -> c.name() + (c.isDefault() ? " (default)" : "")).toList()));
      return OK;
    }
  }

  /** Output formats of sample-config. */
  enum Format { json, yaml }

  @Command(name = "sample-config", mixinStandardHelpOptions = true,
      description = "Print an example instances file (defaults and two instances) to start from.")
  static final class SampleConfig implements Callable<Integer> {
    @Option(names = "--format", paramLabel = "json|yaml", defaultValue = "json",
        description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
      JsonObject sample = InstancesLoader.sample();
      System.out.print(format == Format.yaml ? yaml(sample) : prettyJson(sample) + "\n");
      return OK;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add an instance to the instances file (created if missing). The result is validated first: "
          + "when it would be invalid nothing is written and the exit code is 78.")
  static final class Add implements Callable<Integer> {
    @Mixin
    Main.ConfigOptions options = new Main.ConfigOptions();

    @Mixin
    FileOption instances = new FileOption();

    @Parameters(index = "0", paramLabel = "NAME", description = "DNS label, e.g. corp-gitlab.")
    String name;

    @Parameters(index = "1", paramLabel = "URL", description = "GitLab base URL, e.g. https://gitlab.corp.example.com.")
    String url;

    @Option(names = "--label", paramLabel = "LABEL", description = "What people see (default: the name).")
    String label;

    @Option(names = "--default", description = "Make it the default instance (/mcp without a name).")
    boolean makeDefault;

    @Override
    public Integer call() {
      Path target = instances.target();
      JsonObject doc = Files.exists(target) ? readForEdit(target) : new JsonObject().put("instances", new JsonArray());
      if (doc == null) {
        return Main.EXIT_CONFIG;
      }
      if (!(doc.getValue("instances") instanceof JsonArray list)) {
        System.err.println(target + ": 'instances' must be an array; fix the file first ('instances validate')");
        return Main.EXIT_CONFIG;
      }
      JsonObject entry = new JsonObject().put("name", name);
      URI normalized = GitLabConfig.normalizeUrl(url);
      entry.put("url", normalized != null ? normalized.toString() : url);
      if (label != null) {
        entry.put("label", label);
      }
      if (makeDefault) {
        list.forEach(o -> {
          if (o instanceof JsonObject other) {
            other.remove("default");
          }
        });
        entry.put("default", true);
      }
      list.add(entry);
      return validateAndWrite(options, target, doc, "added instance " + name + " ("
          + ConfigLoader.maskUserInfo(entry.getString("url")) + ")" + (makeDefault ? " as the default" : ""));
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove an instance from the instances file. The result is validated first: when it would be "
          + "invalid (say, no instance left) nothing is written and the exit code is 78.")
  static final class Remove implements Callable<Integer> {
    @Mixin
    Main.ConfigOptions options = new Main.ConfigOptions();

    @Mixin
    FileOption instances = new FileOption();

    @Parameters(index = "0", paramLabel = "NAME", description = "Instance name.")
    String name;

    @Override
    public Integer call() {
      Path target = instances.target();
      if (!Files.exists(target)) {
        System.err.println("no instances file at " + target + " (name one with --file)");
        return USAGE;
      }
      JsonObject doc = readForEdit(target);
      if (doc == null) {
        return Main.EXIT_CONFIG;
      }
      if (!(doc.getValue("instances") instanceof JsonArray list)) {
        System.err.println(target + ": 'instances' must be an array; fix the file first ('instances validate')");
        return Main.EXIT_CONFIG;
      }
      int at = -1;
      List<String> names = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        if (list.getValue(i) instanceof JsonObject o && o.getValue("name") instanceof String n) {
          names.add(n);
          at = n.equals(name) ? i : at;
        }
      }
      if (at < 0) {
        System.err.println("no instance named '" + name + "' in " + target + " (instances: " + String.join(", ", names)
            + ")");
        return USAGE;
      }
      boolean wasDefault = Boolean.TRUE.equals(list.getJsonObject(at).getValue("default"));
      list.remove(at);
      String done = "removed instance " + name;
      if (wasDefault && !list.isEmpty() && list.getValue(0) instanceof JsonObject first) {
        done += "; it was the default, now the first instance (" + first.getValue("name") + ") is";
      }
      return validateAndWrite(options, target, doc, done);
    }
  }

  // ---- shared

  /** The gateway-wide GitLab settings every instance inherits; null after printing the problems. */
  static GitLabConfig baseOrReport(Main.ConfigOptions options) {
    // Only the GitLab settings: neither the HTTP listener's checks nor the instances file (the thing
    // these commands inspect and edit) may stand in the way.
    try {
      return options.loader().gitlabDefaults();
    } catch (ConfigException e) {
      System.err.println("gitlab-mcp-gateway: invalid configuration. " + e.problems().size() + " problem(s):");
      e.problems().forEach(p -> System.err.println("  - " + p));
      return null;
    }
  }

  static InstancesLoader.Loaded loadOrReport(Main.ConfigOptions options, Path file) {
    GitLabConfig base = baseOrReport(options);
    if (base == null) {
      return null;
    }
    InstancesLoader.Loaded loaded = InstancesLoader.load(base, file, System.getenv());
    if (!loaded.problems().isEmpty()) {
      System.err.println(origin(loaded) + ": " + loaded.problems().size() + " problem(s):");
      loaded.problems().forEach(p -> System.err.println("  - " + p));
      return null;
    }
    return loaded;
  }

  private static String origin(InstancesLoader.Loaded loaded) {
    return switch (loaded.source()) {
      case FILE -> loaded.origin();
      case ENV -> "GITLAB_INSTANCES";
      case LEGACY_URL -> "GITLAB_API_URL (no instances file, no GITLAB_INSTANCES)";
    };
  }

  private static GitLabConfig find(InstancesLoader.Loaded loaded, String name) {
    return loaded.instances().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  private static int unknownInstance(InstancesLoader.Loaded loaded, String name) {
    System.err.println("unknown instance '" + name + "'; configured: "
        + String.join(", ", loaded.instances().stream().map(GitLabConfig::name).toList()));
    return USAGE;
  }

  private static JsonObject readForEdit(Path target) {
    List<String> problems = new ArrayList<>();
    JsonObject doc = InstancesLoader.readFile(target, problems);
    if (doc == null) {
      System.err.println("cannot edit " + target + ":");
      problems.forEach(p -> System.err.println("  - " + p));
    }
    return doc;
  }

  /** Validates the edited document as the gateway would read it; writes it only when valid. */
  private static int validateAndWrite(Main.ConfigOptions options, Path target, JsonObject doc, String done) {
    GitLabConfig base = baseOrReport(options);
    if (base == null) {
      return Main.EXIT_CONFIG;
    }
    InstancesLoader.Loaded result = InstancesLoader.fromDocument(doc, base, System.getenv(),
        InstancesLoader.Source.FILE, target.toString());
    if (!result.problems().isEmpty()) {
      System.err.println(target + " not changed: the result would have " + result.problems().size() + " problem(s):");
      result.problems().forEach(p -> System.err.println("  - " + p));
      return Main.EXIT_CONFIG;
    }
    boolean yaml = isYaml(target);
    try {
      boolean hadComments = yaml && Files.exists(target) && Files.readString(target).contains("#");
      writeAtomically(target, yaml ? yaml(doc) : prettyJson(doc) + "\n");
      System.out.println(done + " in " + target + "; " + result.instances().size() + " instance(s): "
          + String.join(", ", result.instances().stream().map(GitLabConfig::name).toList()));
      if (hadComments) {
        System.out.println("note: YAML comments are not kept when the file is rewritten");
      }
      return OK;
    } catch (IOException e) {
      System.err.println("could not write " + target + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return FAILED;
    }
  }

  /**
   * A temporary file in the same directory, then a rename: a reader (the gateway's file watcher) sees the old
   * file or the new one, never half of it. The file keeps its permissions; a new one is world-readable (it
   * holds no secrets: those come from the environment).
   */
  static void writeAtomically(Path target, String text) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(tmp, Files.exists(target) ? Files.getPosixFilePermissions(target)
            : PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the default ACLs of the directory apply.
      }
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static boolean isYaml(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml");
  }

  /** JSON as people write it: 2-space indent, "key": value, short lists of plain values on one line. */
  static String prettyJson(Object value) {
    return prettyJson(value, "");
  }

  private static String prettyJson(Object value, String indent) {
    String inner = indent + "  ";
    if (value instanceof JsonObject o) {
      if (o.isEmpty()) {
        return "{}";
      }
      List<String> fields = new ArrayList<>();
      for (String k : o.fieldNames()) {
        fields.add(inner + Json.encode(k) + ": " + prettyJson(o.getValue(k), inner));
      }
      return "{\n" + String.join(",\n", fields) + "\n" + indent + "}";
    }
    if (value instanceof JsonArray a) {
      boolean plain = a.stream().noneMatch(v -> v instanceof JsonObject || v instanceof JsonArray
          || v instanceof Map || v instanceof List);
      if (plain) {
        return "[" + String.join(", ", a.stream().map(Json::encode).toList()) + "]";
      }
      List<String> items = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        items.add(inner + prettyJson(a.getValue(i), inner));
      }
      return "[\n" + String.join(",\n", items) + "\n" + indent + "]";
    }
    return Json.encode(value);
  }

  static String yaml(JsonObject doc) {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndent(2);
    o.setIndicatorIndent(2);
    o.setIndentWithIndicator(true);
    return new Yaml(o).dump(plain(doc));
  }

  private static Object plain(Object v) {
    if (v instanceof JsonObject o) {
      Map<String, Object> m = new LinkedHashMap<>();
      o.fieldNames().forEach(k -> m.put(k, plain(o.getValue(k))));
      return m;
    }
    if (v instanceof JsonArray a) {
      List<Object> l = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        l.add(plain(a.getValue(i)));
      }
      return l;
    }
    return v;
  }

  private static void printTable(List<String[]> rows, PrintStream out) {
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        sb.append(i == r.length - 1 ? r[i] : String.format("%-" + width[i] + "s  ", r[i]));
      }
      out.println(sb.toString().stripTrailing());
    }
  }

  /** What the factory will speak: ALPN offering h2 over TLS, h2c prior knowledge, or HTTP/1.1. */
  private static String http2(GitLabConfig c) {
    if (c.tls()) {
      return c.http2() ? "h2 via ALPN" : "http/1.1";
    }
    return c.h2c() ? "h2c" : "http/1.1";
  }

  private static String rate(RateLimitConfig r) {
    return number(r.requestsPerSecond()) + "/s, burst " + r.burst() + ", " + r.maxConcurrent() + " concurrent";
  }

  private static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "no";
  }

  private static String setOrNot(Secret s) {
    return s.isSet() ? "set" : "not set";
  }

  /**
   * One `instances test` run against one instance: GET /api/v4/version (and /api/v4/user with a token) over
   * a client built by the same factory as the gateway's, so TLS, proxy and HTTP/2 behave as in production.
   */
  record Probe(int versionStatus, String failure, String httpVersion, String tls, long latencyMs, String gitlab,
               int userStatus, String username) {

    static Future<Probe> run(Vertx vertx, GitLabConfig c, Secret token) {
      HttpClientAgent http = GitLabClientFactory.create(vertx, c);
      long start = System.nanoTime();
      return get(http, c, "/version", token)
          .compose(version -> {
            long latency = (System.nanoTime() - start) / 1_000_000L;
            Probe p = new Probe(version.status, null, name(version.version), version.tls, latency,
                gitlabVersion(version), 0, null);
            if (!token.isSet()) {
              return Future.succeededFuture(p);
            }
            return get(http, c, "/user", token).map(user -> new Probe(p.versionStatus, null, p.httpVersion, p.tls,
                p.latencyMs, p.gitlab, user.status, user.status == 200 ? json(user.body).getString("username") : null));
          })
          .recover(e -> Future.succeededFuture(new Probe(0, describe(e), null, null,
              (System.nanoTime() - start) / 1_000_000L, null, 0, null)))
          .eventually(() -> http.close());
    }

    /** Reachable, answered as GitLab does, and the token (if any) accepted. */
    boolean ok() {
      return failure == null && gitlabAnswered() && (userStatus == 0 || userStatus == 200);
    }

    private boolean gitlabAnswered() {
      return (versionStatus >= 200 && versionStatus < 300) || versionStatus == 401 || versionStatus == 403;
    }

    void print(GitLabConfig c, PrintStream out) {
      out.println(c.name() + " (" + c.baseUrl() + ")");
      if (failure != null) {
        out.println("  reachable: no, after " + latencyMs + " ms: " + failure);
        out.println("  result:    FAILED");
        return;
      }
      out.println("  reachable: yes, HTTP " + versionStatus + " from /api/v4/version in " + latencyMs + " ms");
      out.println("  tls:       " + (tls == null ? "none (plain http)" : tls
          + (c.insecureSkipVerify() ? ", certificate NOT verified (insecureSkipVerify)" : ", certificate verified")));
      out.println("  http:      " + httpVersion);
      if (gitlab != null) {
        out.println("  gitlab:    " + gitlab);
      } else if (versionStatus == 401 || versionStatus == 403) {
        out.println("  gitlab:    version not shown (HTTP " + versionStatus + " without a token the instance accepts;"
            + " try --token)");
      } else {
        out.println("  gitlab:    unexpected HTTP " + versionStatus + " from /api/v4/version: is " + c.baseUrl()
            + " the GitLab URL (with its subpath, if any)?");
      }
      if (userStatus == 200) {
        out.println("  user:      " + username);
      } else if (userStatus != 0) {
        out.println("  user:      token not accepted (HTTP " + userStatus + " from /api/v4/user)");
      }
      out.println("  result:    " + (ok() ? "OK" : "FAILED"));
    }

    private record Answer(int status, HttpVersion version, String tls, Buffer body) {
    }

    private static Future<Answer> get(HttpClientAgent http, GitLabConfig c, String path, Secret token) {
      RequestOptions opts = new RequestOptions().setAbsoluteURI(c.apiBase() + path).setTimeout(c.requestTimeoutMs())
          .setFollowRedirects(false)
          .putHeader(HttpHeaders.USER_AGENT, GitLabClient.USER_AGENT)
          .putHeader(HttpHeaders.ACCEPT, "application/json");
      if (token.isSet()) {
        opts.putHeader("PRIVATE-TOKEN", token.reveal());
      }
      return http.request(opts).compose(req -> req.send()).compose(resp -> resp.body()
          .map(body -> new Answer(resp.statusCode(), resp.version(), tls(resp), body)));
    }

    private static String tls(HttpClientResponse resp) {
      HttpConnection conn = resp.request().connection();
      return conn != null && conn.isSsl() && conn.sslSession() != null ? conn.sslSession().getProtocol() : null;
    }

    private static String name(HttpVersion v) {
      return switch (v) {
        case HTTP_2 -> "HTTP/2";
        case HTTP_1_1 -> "HTTP/1.1";
        case HTTP_1_0 -> "HTTP/1.0";
      };
    }

    private static String gitlabVersion(Answer a) {
      if (a.status != 200) {
        return null;
      }
      JsonObject v = json(a.body);
      String version = v.getString("version");
      if (version == null) {
        return null;
      }
      Object enterprise = v.getValue("enterprise");
      return version + (Boolean.TRUE.equals(enterprise) || version.endsWith("-ee") ? " (Enterprise Edition)"
          : Boolean.FALSE.equals(enterprise) ? " (Community Edition)" : "");
    }

    private static JsonObject json(Buffer b) {
      try {
        return b.toJsonObject();
      } catch (RuntimeException e) {
        return new JsonObject();
      }
    }

    /** One line an operator can act on; the deepest cause says what really happened. */
    static String describe(Throwable e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String message = firstLine(root.getMessage());
      if (e instanceof javax.net.ssl.SSLException || root instanceof javax.net.ssl.SSLException
          || root instanceof java.security.cert.CertificateException
          || root.getClass().getName().startsWith("sun.security")) {
        return "TLS handshake failed: " + message + " (is the certificate signed by a CA the JVM trusts? if not, "
            + "set http.caFile to the PEM of that CA)";
      }
      if (root instanceof java.net.UnknownHostException) {
        return "unknown host: " + message;
      }
      if (root instanceof java.util.concurrent.TimeoutException || root.getClass().getSimpleName().contains("Timeout")) {
        return "timed out: " + message;
      }
      if (root instanceof java.net.ConnectException || root.getClass().getSimpleName().contains("Connect")) {
        return "connection failed: " + message;
      }
      return root.getClass().getSimpleName() + ": " + message;
    }

    private static String firstLine(String s) {
      if (s == null) {
        return "(no detail)";
      }
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl);
    }
  }
}
