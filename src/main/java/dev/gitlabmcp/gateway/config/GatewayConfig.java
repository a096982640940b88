package dev.gitlabmcp.gateway.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The effective gateway configuration: immutable, validated once at start.
 *
 * @param notices what loading found worth a warning (settings of other servers not supported here, a source
 *     that another one overrides): printed by config check and logged at start
 */
public record GatewayConfig(
    String host, int port, String publicUrl, List<String> allowedOrigins, List<String> allowedHosts,
    long maxBodyBytes, int idleTimeoutSeconds, int sseHeartbeatSeconds, boolean trustProxy, int httpVerticles,
    int sessionTimeoutSeconds, int maxSessions, int maxRequestsPerMinute, int ipRequestsPerMinute,
    Secret mcpAuthToken, Secret healthDetailToken, boolean remoteAuthorization, int tokenCacheSeconds,
    GitLabConfig gitlab, InstancesConfig instances, boolean backgroundChecks,
    boolean readOnly, int maxOutputChars, ToolsConfig tools, int tierCacheSeconds,
    String logFormat, String logLevel, int maxSessionsPerUser, int trustedProxyHops, int requestBodyTimeoutSeconds,
    Secret redisUrl, String redisKeyPrefix, int tierTimeoutMs, List<String> notices, int drainSeconds,
    RedisTopology redisTopology, Secret databaseUrl, int databasePoolSize, Secret encryptionKey,
    Secret encryptionOldKeys, int auditRetentionDays, OAuthTokensConfig oauthTokens, OAuthConfig oauth) {

  /** How the process runs: problems differ (stdio has no HTTP listener to protect). */
  public enum Mode { HTTP, STDIO }

  public GatewayConfig {
    Objects.requireNonNull(host, "host");
    allowedOrigins = List.copyOf(allowedOrigins);
    allowedHosts = List.copyOf(allowedHosts);
    mcpAuthToken = mcpAuthToken == null ? Secret.NONE : mcpAuthToken;
    redisUrl = redisUrl == null ? Secret.NONE : redisUrl;
    redisKeyPrefix = redisKeyPrefix == null ? "" : redisKeyPrefix;
    healthDetailToken = healthDetailToken == null ? Secret.NONE : healthDetailToken;
    databaseUrl = databaseUrl == null ? Secret.NONE : databaseUrl;
    Objects.requireNonNull(gitlab, "gitlab");
    Objects.requireNonNull(instances, "instances");
    Objects.requireNonNull(tools, "tools");
    notices = notices == null ? List.of() : List.copyOf(notices);
    redisTopology = redisTopology == null ? RedisTopology.STANDALONE : redisTopology;
    encryptionKey = encryptionKey == null ? Secret.NONE : encryptionKey;
    encryptionOldKeys = encryptionOldKeys == null ? Secret.NONE : encryptionOldKeys;
    oauthTokens = oauthTokens == null ? OAuthTokensConfig.DEFAULTS : oauthTokens;
    oauth = oauth == null ? OAuthConfig.OFF : oauth;
  }

  /** Whether state outlives this process or is seen by other replicas (REDIS_URL or DATABASE_URL set). */
  public boolean sharedStore() {
    return redisUrl.isSet() || databaseUrl.isSet();
  }

  /** The database DATABASE_URL names, or null without one (valid: the loader checked it). */
  public DatabaseUrl database() {
    return databaseUrl.isSet() ? DatabaseUrl.parse(databaseUrl.reveal()) : null;
  }

  /** The token of the health and metrics detail views: HEALTH_DETAIL_TOKEN, else MCP_AUTH_TOKEN (maybe none). */
  public Secret detailToken() {
    return healthDetailToken.isSet() ? healthDetailToken : mcpAuthToken;
  }

  /** The effective permission mode: GITLAB_READ_ONLY_MODE=true wins over a looser GITLAB_PERMISSION_MODE. */
  public String permissionMode() {
    return readOnly ? "readonly" : tools.permissionMode();
  }

  /** Problems that involve more than one setting, for the given mode. */
  public List<String> crossCheck(Mode mode) {
    List<String> problems = new ArrayList<>(tools.problems());
    if (remoteAuthorization && mode == Mode.STDIO) {
      problems.add("REMOTE_AUTHORIZATION=true needs the HTTP transport: over stdio there are no request headers to "
          + "carry each caller's token. Use GITLAB_PERSONAL_ACCESS_TOKEN with stdio, or run 'serve'.");
    }
    if (remoteAuthorization && mcpAuthToken.isSet()) {
      problems.add("MCP_AUTH_TOKEN cannot be combined with REMOTE_AUTHORIZATION=true: callers authenticate with their "
          + "own GitLab tokens in the Authorization header. Unset MCP_AUTH_TOKEN.");
    }
    boolean anyToken = instances.list().stream().anyMatch(i -> i.token().isSet());
    problems.addAll(oauth.problems(mode, instances, remoteAuthorization, mcpAuthToken.isSet()));
    if (mode == Mode.HTTP && !remoteAuthorization && !oauth.enabled() && anyToken && !mcpAuthToken.isSet()) {
      List<String> reachable = publicReach();
      if (!reachable.isEmpty()) {
        problems.add("A server-side GitLab token (GITLAB_PERSONAL_ACCESS_TOKEN) is set and the gateway is reachable "
            + "beyond this machine (" + String.join("; ", reachable) + "): anyone who reaches it would act as that "
            + "token's owner. Set MCP_AUTH_TOKEN (clients then send 'Authorization: Bearer <it>'), or use "
            + "REMOTE_AUTHORIZATION=true so each caller brings its own token, or serve loopback only (HOST=127.0.0.1 "
            + "and no public MCP_SERVER_URL, MCP_ALLOWED_HOSTS or TRUST_PROXY).");
      }
    }
    if (redisUrl.isSet() && !redisUrl.reveal().matches("(?i)(redis|rediss|unix)://.*")) {
      problems.add("REDIS_URL (store.redisUrl) must be a redis://, rediss:// or unix:// URL.");
    }
    if (redisUrl.isSet()) {
      problems.addAll(redisTopology.problems());
    }
    if (databaseUrl.isSet()) {
      try {
        DatabaseUrl.parse(databaseUrl.reveal());
      } catch (DatabaseUrl.Invalid e) {
        problems.add("DATABASE_URL (store.databaseUrl) cannot be read: " + e.getMessage() + ".");
      }
    }
    if (mcpAuthToken.isSet() && mcpAuthToken.reveal().length() < 16) {
      problems.add("MCP_AUTH_TOKEN (auth.mcpToken) must be at least 16 characters long.");
    }
    problems.addAll(EncryptionKeys.problems(this));
    if (healthDetailToken.isSet() && healthDetailToken.reveal().length() < 16) {
      problems.add("HEALTH_DETAIL_TOKEN (auth.healthDetailToken) must be at least 16 characters long.");
    }
    return problems;
  }

  /**
   * Why clients beyond this machine can reach the gateway, one reason per setting; empty when only loopback
   * can. A reverse proxy in front of a loopback listener makes it public too: its public name shows in
   * MCP_SERVER_URL or MCP_ALLOWED_HOSTS, and TRUST_PROXY says one is there.
   */
  public List<String> publicReach() {
    List<String> why = new ArrayList<>();
    if (!isLoopback(host)) {
      why.add("HOST is " + host);
    }
    String publicHost = publicUrl == null || publicUrl.isBlank() ? null : java.net.URI.create(publicUrl).getHost();
    if (publicHost != null && !isLoopback(publicHost)) {
      why.add("MCP_SERVER_URL is " + publicUrl);
    }
    List<String> hosts = allowedHosts.stream().filter(h -> !isLoopback(withoutPort(h))).toList();
    if (!hosts.isEmpty()) {
      why.add("MCP_ALLOWED_HOSTS has " + String.join(", ", hosts));
    }
    if (trustProxy) {
      why.add("TRUST_PROXY is true");
    }
    return why;
  }

  /** host, host:port, [v6]:port or a bare v6 address, without the port. */
  private static String withoutPort(String hostAndPort) {
    String h = hostAndPort.trim();
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.indexOf(':');
    return colon >= 0 && colon == h.lastIndexOf(':') ? h.substring(0, colon) : h;
  }

  /** Settings that are accepted but have no effect, worth a warning at start. */
  public List<String> warnings() {
    List<String> w = new ArrayList<>(notices);
    if (remoteAuthorization && gitlab.token().isSet()) {
      w.add("GITLAB_PERSONAL_ACCESS_TOKEN is ignored: REMOTE_AUTHORIZATION=true uses each caller's own token");
    }
    return w;
  }

  /**
   * Whether several people may share this gateway: callers bring their own tokens, or it is reachable
   * beyond loopback. Per-session request limits are meant for such gateways and spare a local single user.
   */
  public boolean shared() {
    return remoteAuthorization || !isLoopback(host) || (publicUrl != null && !publicUrl.isBlank());
  }

  /** Proxies trusted to append to X-Forwarded-For: none unless TRUST_PROXY. */
  public int effectiveProxyHops() {
    return trustProxy ? trustedProxyHops : 0;
  }

  public int effectiveHttpVerticles() {
    return httpVerticles > 0 ? httpVerticles : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** Whether a literal host name or address is loopback, without any DNS lookup. */
  public static boolean isLoopback(String host) {
    String h = host.trim().toLowerCase();
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    if (h.matches("[0-9.]+") || h.contains(":")) {
      try {
        return InetAddress.getByName(h).isLoopbackAddress(); // literal: no lookup happens
      } catch (Exception e) {
        return false;
      }
    }
    return false;
  }
}
