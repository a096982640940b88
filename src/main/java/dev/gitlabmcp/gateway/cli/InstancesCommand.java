package dev.gitlabmcp.gateway.cli;

import dev.gitlabmcp.gateway.config.ConfigException;
import dev.gitlabmcp.gateway.config.ConfigLoader;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.InstancesLoader;
import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.gitlab.GitLabClientFactory;
import dev.gitlabmcp.gateway.gitlab.InstanceProbe;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code instances ...}: list, inspect, test and edit the GitLab instances. Exit codes: 0 ok, 1 the thing
 * tested failed (unreachable, TLS, rejected token), 2 usage (unknown instance, bad arguments), 78 invalid
 * configuration (the file, or the edit, would not validate: nothing is written then). The file editing is
 * {@link InstancesFile}'s, the reachability check {@link InstanceProbe}'s.
 */
@Command(name = "instances", mixinStandardHelpOptions = true,
    description = "GitLab instances: list, inspect, test, validate and edit the instances file.",
    subcommands = {InstancesCommand.ListInstances.class, InstancesCommand.Info.class, InstancesCommand.Test.class,
        InstancesCommand.Validate.class, InstancesCommand.SampleConfig.class, InstancesCommand.Add.class,
        InstancesCommand.Remove.class})
public final class InstancesCommand implements Callable<Integer> {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return OK;
  }

  /** The instances file option; without it GITLAB_INSTANCES_FILE, then conf/instances.json. */
  static final class InstancesOptions extends ConfigOptions {
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
    InstancesOptions options = new InstancesOptions();

    @Override
    public Integer call() {
      InstancesLoader.Loaded loaded = loadOrReport(options, options.file);
      if (loaded == null) {
        return ConfigOptions.EXIT_CONFIG;
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
    InstancesOptions options = new InstancesOptions();

    @Parameters(index = "0", paramLabel = "NAME", description = "Instance name.")
    String name;

    @Override
    public Integer call() {
      InstancesLoader.Loaded loaded = loadOrReport(options, options.file);
      if (loaded == null) {
        return ConfigOptions.EXIT_CONFIG;
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
    InstancesOptions options = new InstancesOptions();

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Only this instance.")
    String name;

    @Option(names = "--token", paramLabel = "TOKEN",
        description = "A GitLab token to test with (default: the instance's configured token). Never printed.")
    String token;

    @Override
    public Integer call() throws Exception {
      InstancesLoader.Loaded loaded = loadOrReport(options, options.file);
      if (loaded == null) {
        return ConfigOptions.EXIT_CONFIG;
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
          InstanceProbe p = InstanceProbe.run(vertx, c, secret).toCompletionStage().toCompletableFuture()
              .get(bound, TimeUnit.MILLISECONDS);
          print(p, c, System.out);
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
    InstancesOptions options = new InstancesOptions();

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The file (default: see --instances).")
    Path file;

    @Override
    public Integer call() {
      GitLabConfig base = baseOrReport(options);
      if (base == null) {
        return ConfigOptions.EXIT_CONFIG;
      }
      Path chosen = file != null ? file : options.file;
      InstancesLoader.Loaded loaded = InstancesLoader.load(base, chosen, System.getenv());
      if (!loaded.problems().isEmpty()) {
        System.out.println(origin(loaded) + ": " + loaded.problems().size() + " problem(s):");
        loaded.problems().forEach(p -> System.out.println("  - " + p));
        return ConfigOptions.EXIT_CONFIG;
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
      System.out.print(format == Format.yaml ? InstancesFile.yaml(sample) : InstancesFile.prettyJson(sample) + "\n");
      return OK;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add an instance to the instances file (created if missing). The result is validated first: "
          + "when it would be invalid nothing is written and the exit code is 78.")
  static final class Add implements Callable<Integer> {
    @Mixin
    InstancesOptions options = new InstancesOptions();

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
      Path target = options.target();
      JsonObject doc = Files.exists(target) ? readForEdit(target) : new JsonObject().put("instances", new JsonArray());
      if (doc == null) {
        return ConfigOptions.EXIT_CONFIG;
      }
      if (!(doc.getValue("instances") instanceof JsonArray list)) {
        System.err.println(target + ": 'instances' must be an array; fix the file first ('instances validate')");
        return ConfigOptions.EXIT_CONFIG;
      }
      JsonObject entry = InstancesFile.add(list, name, url, label, makeDefault);
      return validateAndWrite(options, target, doc, "added instance " + name + " ("
          + ConfigLoader.maskUserInfo(entry.getString("url")) + ")" + (makeDefault ? " as the default" : ""));
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove an instance from the instances file. The result is validated first: when it would be "
          + "invalid (say, no instance left) nothing is written and the exit code is 78.")
  static final class Remove implements Callable<Integer> {
    @Mixin
    InstancesOptions options = new InstancesOptions();

    @Parameters(index = "0", paramLabel = "NAME", description = "Instance name.")
    String name;

    @Override
    public Integer call() {
      Path target = options.target();
      if (!Files.exists(target)) {
        System.err.println("no instances file at " + target + " (name one with --file)");
        return USAGE;
      }
      JsonObject doc = readForEdit(target);
      if (doc == null) {
        return ConfigOptions.EXIT_CONFIG;
      }
      if (!(doc.getValue("instances") instanceof JsonArray list)) {
        System.err.println(target + ": 'instances' must be an array; fix the file first ('instances validate')");
        return ConfigOptions.EXIT_CONFIG;
      }
      InstancesFile.Removal removal = InstancesFile.remove(list, name);
      if (!removal.removed()) {
        System.err.println("no instance named '" + name + "' in " + target + " (instances: "
            + String.join(", ", removal.names()) + ")");
        return USAGE;
      }
      String done = "removed instance " + name;
      if (removal.newDefault() != null) {
        done += "; it was the default, now the first instance (" + removal.newDefault() + ") is";
      }
      return validateAndWrite(options, target, doc, done);
    }
  }

  // ---- shared

  /** The gateway-wide GitLab settings every instance inherits; null after printing the problems. */
  static GitLabConfig baseOrReport(ConfigOptions options) {
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

  static InstancesLoader.Loaded loadOrReport(ConfigOptions options, Path file) {
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
  private static int validateAndWrite(ConfigOptions options, Path target, JsonObject doc, String done) {
    GitLabConfig base = baseOrReport(options);
    if (base == null) {
      return ConfigOptions.EXIT_CONFIG;
    }
    InstancesLoader.Loaded result = InstancesLoader.fromDocument(doc, base, System.getenv(),
        InstancesLoader.Source.FILE, target.toString());
    if (!result.problems().isEmpty()) {
      System.err.println(target + " not changed: the result would have " + result.problems().size() + " problem(s):");
      result.problems().forEach(p -> System.err.println("  - " + p));
      return ConfigOptions.EXIT_CONFIG;
    }
    try {
      boolean droppedComments = InstancesFile.write(target, doc);
      System.out.println(done + " in " + target + "; " + result.instances().size() + " instance(s): "
          + String.join(", ", result.instances().stream().map(GitLabConfig::name).toList()));
      if (droppedComments) {
        System.out.println("note: YAML comments are not kept when the file is rewritten");
      }
      return OK;
    } catch (IOException e) {
      System.err.println("could not write " + target + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return FAILED;
    }
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

  /** The report of one probe, as {@code instances test} prints it. */
  static void print(InstanceProbe p, GitLabConfig c, PrintStream out) {
    out.println(c.name() + " (" + c.baseUrl() + ")");
    if (p.failure() != null) {
      out.println("  reachable: no, after " + p.latencyMs() + " ms: " + p.failure());
      out.println("  result:    FAILED");
      return;
    }
    out.println("  reachable: yes, HTTP " + p.versionStatus() + " from /api/v4/version in " + p.latencyMs() + " ms");
    out.println("  tls:       " + (p.tls() == null ? "none (plain http)" : p.tls()
        + (c.insecureSkipVerify() ? ", certificate NOT verified (insecureSkipVerify)" : ", certificate verified")));
    out.println("  http:      " + p.httpVersion());
    if (p.gitlab() != null) {
      out.println("  gitlab:    " + p.gitlab());
    } else if (p.versionStatus() == 401 || p.versionStatus() == 403) {
      out.println("  gitlab:    version not shown (HTTP " + p.versionStatus() + " without a token the instance accepts;"
          + " try --token)");
    } else {
      out.println("  gitlab:    unexpected HTTP " + p.versionStatus() + " from /api/v4/version: is " + c.baseUrl()
          + " the GitLab URL (with its subpath, if any)?");
    }
    if (p.userStatus() == 200) {
      out.println("  user:      " + p.username());
    } else if (p.userStatus() != 0) {
      out.println("  user:      token not accepted (HTTP " + p.userStatus() + " from /api/v4/user)");
    }
    out.println("  result:    " + (p.ok() ? "OK" : "FAILED"));
  }
}
