package dev.gitlabmcp.gateway.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting the gateway knows, in one table. conf/gateway.yaml mirrors it (a test keeps the
 * two in step) and `config check` prints it.
 */
public final class Settings {

  public static final Setting HOST = Setting.string("server.host", "HOST", "127.0.0.1",
      "Address to listen on. With a server-side token, a non-loopback address (or a public URL, or TRUST_PROXY) needs MCP_AUTH_TOKEN.");
  public static final Setting PORT = Setting.integer("server.port", "PORT", 3002, 0, 65535,
      "TCP port for /mcp and /health (0 picks a free port).");
  public static final Setting PUBLIC_URL = Setting.url("server.publicUrl", "MCP_SERVER_URL", "",
      "Public base URL clients use to reach the gateway; its host and origin are allowed.");
  public static final Setting ALLOWED_ORIGINS = Setting.list("server.allowedOrigins", "MCP_ALLOWED_ORIGINS",
      "Extra allowed Origin values (comma separated, e.g. https://app.example.com). Loopback is always allowed.");
  public static final Setting ALLOWED_HOSTS = Setting.list("server.allowedHosts", "MCP_ALLOWED_HOSTS",
      "Extra allowed Host header names (comma separated, with or without port). Loopback is always allowed.");
  public static final Setting MAX_BODY_BYTES = Setting.integer("server.maxBodyBytes", "MCP_MAX_BODY_BYTES",
      4L * 1024 * 1024, 1024, 256L * 1024 * 1024, "Largest accepted request body in bytes; larger gets 413.");
  public static final Setting IDLE_TIMEOUT = Setting.integer("server.idleTimeoutSeconds", "MCP_IDLE_TIMEOUT_SECONDS",
      60, 5, 3600, "A client connection that sends nothing for this long is closed (also ends stalled bodies).");
  public static final Setting SSE_HEARTBEAT = Setting.integer("server.sseHeartbeatSeconds", "MCP_SSE_HEARTBEAT_SECONDS",
      20, 1, 3600, "Comment line sent on idle SSE streams so proxies and the idle timeout keep them open.");
  public static final Setting TRUST_PROXY = Setting.bool("server.trustProxy", List.of("TRUST_PROXY", "MCP_TRUST_PROXY"),
      false, "Take the client address from X-Forwarded-For (only behind a proxy you run; else clients could forge it).");
  public static final Setting TRUSTED_PROXY_HOPS = Setting.integer("server.trustedProxyHops", "TRUSTED_PROXY_HOPS",
      1, 1, 10, "With TRUST_PROXY: how many proxies in front of the gateway append to X-Forwarded-For; the client "
      + "address is that many entries from the right (entries further left are written by the client).");
  public static final Setting BODY_TIMEOUT = Setting.integer("server.requestBodyTimeoutSeconds",
      "MCP_REQUEST_BODY_TIMEOUT_SECONDS", 30, 1, 3600,
      "Longest time to receive a whole request body; a body that trickles in slower gets 408 and the connection is closed.");
  public static final Setting DRAIN_SECONDS = Setting.integer("server.drainSeconds", "MCP_DRAIN_SECONDS", 20, 0, 600,
      "On SIGTERM: refuse new requests (503), give running tool calls this long to finish, close event streams, exit.");
  public static final Setting HTTP_VERTICLES = Setting.integer("server.httpVerticles", "MCP_HTTP_VERTICLES",
      0, 0, 256, "HTTP verticle instances (one per event loop); 0 means one per CPU core.");

  public static final Setting SESSION_TIMEOUT = Setting.integer("mcp.sessionTimeoutSeconds", "SESSION_TIMEOUT_SECONDS",
      3600, 60, 86400,
      "After this much inactivity a session ends (its streams close; the client starts a new one with initialize).");
  public static final Setting MAX_SESSIONS = Setting.integer("mcp.maxSessions", "MAX_SESSIONS",
      1000, 1, 1_000_000, "Most concurrent MCP sessions; a new one beyond it gets 503.");
  public static final Setting MAX_SESSIONS_PER_USER = Setting.integer("mcp.maxSessionsPerUser",
      "MAX_SESSIONS_PER_USER", 50, 1, 1_000_000,
      "Most concurrent sessions one GitLab user may hold (per-user tokens); a new one beyond it gets 429.");
  public static final Setting MAX_REQUESTS_PER_MINUTE = Setting.integer("mcp.maxRequestsPerMinute",
      "MAX_REQUESTS_PER_MINUTE", 60, 1, 1_000_000, "Requests one session may make per minute on a shared gateway "
      + "(remote authorization, a non-loopback HOST or a public URL); more get 429. Never limits ending a session or "
      + "notifications, nor a local single-user gateway.");
  public static final Setting IP_REQUESTS_PER_MINUTE = Setting.integer("mcp.unauthenticatedRequestsPerMinute",
      "UNAUTHENTICATED_REQUESTS_PER_MINUTE", 300, 1, 1_000_000,
      "Requests without a valid token one client address may make per minute; never limits requests with a valid token.");
  public static final Setting STREAMABLE_HTTP = Setting.bool("mcp.streamableHttp", List.of("STREAMABLE_HTTP"), true,
      "Accepted for compatibility with other GitLab MCP servers; Streamable HTTP is always on.");

  public static final Setting MCP_AUTH_TOKEN = Setting.secret("auth.mcpToken",
      List.of("MCP_AUTH_TOKEN", "STREAMABLE_HTTP_AUTH_TOKEN"),
      "Bearer token MCP clients must send (Authorization: Bearer ...). Required with a server-side GitLab token "
          + "unless the gateway is reachable only on loopback.");

  public static final Setting HEALTH_DETAIL_TOKEN = Setting.secret("auth.healthDetailToken", "HEALTH_DETAIL_TOKEN",
      "Bearer token that opens /health?detail=true and the GitLab URLs of /metrics.json; empty: MCP_AUTH_TOKEN, and without either those views are off.");

  public static final Setting REMOTE_AUTHORIZATION = Setting.bool("auth.remoteAuthorization",
      List.of("REMOTE_AUTHORIZATION"), false,
      "Each caller sends its own GitLab token (Authorization: Bearer, Private-Token or JOB-TOKEN); HTTP only.");
  public static final Setting TOKEN_CACHE_SECONDS = Setting.integer("auth.tokenCacheSeconds", "GITLAB_TOKEN_CACHE_SECONDS",
      60, 0, 3600, "How long a token verified with GitLab is trusted before it is checked again (0: every request).");

  public static final Setting GITLAB_URL = Setting.url("gitlab.url", "GITLAB_API_URL", "https://gitlab.com",
      "GitLab base URL (a trailing /api/v4 is accepted and dropped).");
  public static final Setting INSTANCES_FILE = Setting.string("gitlab.instancesFile", "GITLAB_INSTANCES_FILE", "",
      "JSON or YAML file of several GitLab instances (docs/instances.md); empty: conf/instances.json when it exists.");
  public static final Setting INSTANCES = Setting.string("gitlab.instances", "GITLAB_INSTANCES", "",
      "Instances without a file: space-separated name=url pairs, or the instances JSON document.");
  public static final Setting INSTANCES_RELOAD = Setting.integer("gitlab.instancesReloadSeconds",
      "GITLAB_INSTANCES_RELOAD_SECONDS", 2, 0, 3600,
      "How often the instances file is checked for changes, applied without a restart (0: never).");
  public static final Setting BACKGROUND_CHECKS = Setting.bool("gitlab.backgroundChecks",
      List.of("GITLAB_BACKGROUND_CHECKS"), true,
      "Learn each instance's version and edition, and probe its health, in the background.");
  public static final Setting GITLAB_TOKEN = Setting.secret("gitlab.token", "GITLAB_PERSONAL_ACCESS_TOKEN",
      "Server-side GitLab token of the default instance (others: GITLAB_PERSONAL_ACCESS_TOKEN_<NAME>). Empty: anonymous.");
  // Strings, checked only when used: a proxy variable meant for other programs must not stop the gateway.
  public static final Setting HTTPS_PROXY = Setting.string("gitlab.httpsProxy", "HTTPS_PROXY", "",
      "HTTP proxy (http://host:port) for an https GitLab URL when there is one instance; an instances file sets http.proxy.");
  public static final Setting HTTP_PROXY = Setting.string("gitlab.httpProxy", "HTTP_PROXY", "",
      "HTTP proxy (http://host:port) for a plain-http GitLab URL when there is one instance.");
  public static final Setting NO_PROXY = Setting.list("gitlab.noProxy", "NO_PROXY",
      "Hosts reached without the proxy (comma separated; .example.com for subdomains, * for all).");
  public static final Setting CA_FILE = Setting.string("gitlab.caFile", "GITLAB_CA_CERT_PATH", "",
      "PEM file of extra CA certificates to trust for GitLab when there is one instance; an instances file sets http.caFile.");
  public static final Setting GITLAB_HTTP2 = Setting.bool("gitlab.http2", List.of("GITLAB_HTTP2"), true,
      "Use HTTP/2 via ALPN for https GitLab URLs (falls back to HTTP/1.1 when the server does not offer it).");
  public static final Setting GITLAB_H2C = Setting.bool("gitlab.h2c", List.of("GITLAB_H2C"), false,
      "Speak HTTP/2 without TLS (prior knowledge) to a plain-http GitLab URL.");
  public static final Setting GITLAB_MAX_CONNECTIONS = Setting.integer("gitlab.maxConnections", "GITLAB_MAX_CONNECTIONS",
      32, 1, 1024, "Most pooled connections to GitLab (HTTP/1.1 pool; HTTP/2 multiplexes over a few).");
  public static final Setting GITLAB_KEEPALIVE = Setting.integer("gitlab.keepAliveSeconds", "GITLAB_KEEPALIVE_SECONDS",
      60, 1, 3600, "How long an idle pooled connection to GitLab is kept open.");
  public static final Setting GITLAB_CONNECT_TIMEOUT = Setting.integer("gitlab.connectTimeoutMs", "GITLAB_CONNECT_TIMEOUT_MS",
      5000, 100, 120_000, "Connect timeout to GitLab in milliseconds.");
  public static final Setting GITLAB_REQUEST_TIMEOUT = Setting.integer("gitlab.requestTimeoutMs", "GITLAB_REQUEST_TIMEOUT_MS",
      30_000, 100, 600_000, "Time allowed for one GitLab request, response body included, in milliseconds.");
  public static final Setting GITLAB_MAX_RESPONSE_BYTES = Setting.integer("gitlab.maxResponseBytes", "GITLAB_MAX_RESPONSE_BYTES",
      8L * 1024 * 1024, 1024, 512L * 1024 * 1024, "Largest GitLab response body read; larger ends the call with a clear error.");
  public static final Setting GITLAB_MAX_RETRIES = Setting.integer("gitlab.maxRetries", "GITLAB_MAX_RETRIES",
      2, 0, 10, "Retries of an idempotent GitLab request on 429/502/503/504 or a reset connection.");

  public static final Setting READ_ONLY = Setting.bool("tools.readOnly", List.of("GITLAB_READ_ONLY_MODE"), false,
      "Offer and allow only read-only tools (the same as permissionMode readonly).");
  public static final Setting PERMISSION_MODE = Setting.choice("tools.permissionMode", "GITLAB_PERMISSION_MODE", "full",
      List.of("readonly", "modify", "full"),
      "readonly: only tools that change nothing; modify: no deletions or other destructive tools; full: everything.");
  public static final Setting TOOLSETS = Setting.list("tools.toolsets", "GITLAB_TOOLSETS",
      "Toolsets offered besides the core tools (comma separated, or all). docs/tools.md lists them.");
  public static final Setting EXTRA_TOOLS = Setting.list("tools.tools", "GITLAB_TOOLS",
      "Single tools offered besides the enabled toolsets (comma separated tool names).");
  public static final Setting USE_PIPELINE = Setting.bool("tools.usePipeline", List.of("USE_PIPELINE"), false,
      "Legacy switch: true enables the pipelines toolset.");
  public static final Setting USE_MILESTONE = Setting.bool("tools.useMilestone", List.of("USE_MILESTONE"), false,
      "Legacy switch: true enables the milestones toolset.");
  public static final Setting USE_WIKI = Setting.bool("tools.useWiki", List.of("USE_GITLAB_WIKI"), false,
      "Legacy switch: true enables the wiki toolset.");
  public static final Setting DENIED_TOOLS_REGEX = Setting.string("tools.deniedToolsRegex", "GITLAB_DENIED_TOOLS_REGEX",
      "", "Tools whose name matches this regular expression are neither offered nor run (e.g. ^delete_ refuses every delete tool).");
  public static final Setting ALLOWED_PROJECT_IDS = Setting.list("tools.allowedProjectIds", "GITLAB_ALLOWED_PROJECT_IDS",
      "Only these projects (ids or full paths, comma separated) can be read or changed; empty means no restriction.");
  public static final Setting DEFAULT_PROJECT = Setting.string("tools.defaultProject", "GITLAB_PROJECT_ID", "",
      "Project (id or full path) used when a tool that needs a project is called without project_id.");
  public static final Setting TOOL_LIST_MODE = Setting.choice("tools.listMode", "GITLAB_TOOL_LIST_MODE", "full",
      List.of("full", "compact"), "full: tools/list holds every enabled tool; compact: three meta-tools (find_tools, "
      + "describe_tool, call_tool) reach the same tools with the same checks, for clients with a small context.");
  public static final Setting MAX_OUTPUT_CHARS = Setting.integer("tools.maxOutputChars", "GITLAB_MAX_OUTPUT_CHARS",
      60_000, 1000, 10_000_000, "Longest tool result text; longer results are cut with a note on how to get the rest.");

  public static final Setting TIER_CACHE_SECONDS = Setting.integer("tier.cacheSeconds", "GITLAB_TIER_CACHE_SECONDS",
      300, 0, 86400, "How long a namespace's detected GitLab plan (Free, Premium, Ultimate) is reused before it is asked again (0: every call).");
  public static final Setting TIER_TIMEOUT_MS = Setting.integer("tier.lookupTimeoutMs", "GITLAB_TIER_TIMEOUT_MS",
      1500, 100, 60_000, "Longest wait for a namespace's plan before a paid tool goes ahead with the plan unknown.");

  public static final Setting REDIS_URL = Setting.secret("store.redisUrl", "REDIS_URL",
      "Redis for state shared by replicas (sessions, session events, limits, OAuth sign-in state): redis://[user:password@]host:port/db or "
      + "rediss:// for TLS. Empty: everything in this process's memory.");
  public static final Setting REDIS_KEY_PREFIX = Setting.string("store.redisKeyPrefix", "REDIS_KEY_PREFIX",
      "gitlab-mcp:", "Prefix of every Redis key and channel this gateway uses (several gateways can share one Redis).");
  public static final Setting REDIS_MODE = Setting.choice("store.redisMode", "REDIS_MODE", "standalone",
      List.of("standalone", "cluster", "sentinel"), "How REDIS_URL is reached: one server, a Redis Cluster (REDIS_URL "
      + "and REDIS_ENDPOINTS are seed nodes), or the master a set of Sentinels names (REDIS_URL and REDIS_ENDPOINTS are "
      + "the Sentinels).");
  public static final Setting REDIS_ENDPOINTS = Setting.list("store.redisEndpoints", "REDIS_ENDPOINTS",
      "More redis:// or rediss:// nodes besides REDIS_URL (cluster seeds or Sentinels), comma-separated, without "
      + "credentials: the user and password of REDIS_URL apply to all.");
  public static final Setting REDIS_MASTER_NAME = Setting.string("store.redisMasterName", "REDIS_MASTER_NAME",
      "mymaster", "The master name the Sentinels know (REDIS_MODE=sentinel).");
  public static final Setting DATABASE_URL = Setting.secret("store.databaseUrl", "DATABASE_URL",
      "PostgreSQL for durable state (OAuth clients, grants, consents): postgres://user:password@host:5432/db?sslmode=verify-full "
      + "or libpq's host=... dbname=... user=... password=... sslmode=... form. Empty: no database.");
  public static final Setting DATABASE_URL_FILE = Setting.string("store.databaseUrlFile", "DATABASE_URL_FILE", "",
      "File holding DATABASE_URL (a mounted secret); use one or the other.");
  public static final Setting DATABASE_POOL_SIZE = Setting.integer("store.databasePoolSize", "DATABASE_POOL_SIZE",
      10, 1, 1000, "Most connections this replica opens to PostgreSQL.");
  public static final Setting ENCRYPTION_KEY = Setting.secret("store.encryptionKey", "GATEWAY_ENCRYPTION_KEY",
      "Key that seals GitLab tokens at rest (AES-256-GCM): base64 of 32 random bytes, from 'keys generate'. Required "
      + "with REDIS_URL or DATABASE_URL; empty otherwise: a key for this process only.");
  public static final Setting ENCRYPTION_KEY_FILE = Setting.string("store.encryptionKeyFile",
      "GATEWAY_ENCRYPTION_KEY_FILE", "", "File holding GATEWAY_ENCRYPTION_KEY (a mounted secret); use one or the other.");
  public static final Setting ENCRYPTION_OLD_KEYS = Setting.secret("store.encryptionOldKeys",
      "GATEWAY_ENCRYPTION_OLD_KEYS", "Older keys, comma separated, that still open what they sealed until it is "
      + "written again under GATEWAY_ENCRYPTION_KEY (rotation, docs/keys.md).");
  public static final Setting ENCRYPTION_OLD_KEYS_FILE = Setting.string("store.encryptionOldKeysFile",
      "GATEWAY_ENCRYPTION_OLD_KEYS_FILE", "",
      "File holding GATEWAY_ENCRYPTION_OLD_KEYS (a mounted secret); use one or the other.");
  public static final Setting AUDIT_RETENTION_DAYS = Setting.integer("audit.retentionDays", "AUDIT_RETENTION_DAYS",
      90, 1, 36_500, "Days an audit record is kept in PostgreSQL (with DATABASE_URL); older ones are purged daily.");
  public static final Setting OAUTH_ACCESS_TOKEN_SECONDS = Setting.integer("oauthTokens.accessTokenSeconds",
      "GITLAB_MCP_OAUTH_ACCESS_TOKEN_SECONDS", 3600, 60, 86400,
      "Sign in with GitLab: lifetime of the gateway's access tokens; clients then refresh them.");
  public static final Setting OAUTH_GRANT_DAYS = Setting.integer("oauthTokens.grantDays", "GITLAB_MCP_OAUTH_GRANT_DAYS",
      30, 1, 365, "Sign in with GitLab: a sign-in ends this many days after its client last refreshed its tokens.");
  public static final Setting OAUTH_REFRESH_MARGIN_SECONDS = Setting.integer("oauthTokens.gitlabRefreshMarginSeconds",
      "GITLAB_MCP_OAUTH_REFRESH_MARGIN_SECONDS", 300, 0, 3600,
      "Sign in with GitLab: a GitLab access token expiring within this is refreshed before the call that needs it.");
  public static final Setting OAUTH_GRANT_CHECK_SECONDS = Setting.integer("oauthTokens.grantCheckSeconds",
      "GITLAB_MCP_OAUTH_GRANT_CHECK_SECONDS", 15, 0, 300,
      "Sign in with GitLab: how long a replica trusts a sign-in it found live; a revocation reaches other replicas "
      + "within this (at once on the replica that revoked).");
  public static final Setting OAUTH = Setting.bool("oauth.enabled", List.of("GITLAB_MCP_OAUTH"), false,
      "Sign in with GitLab: MCP clients get the gateway's own OAuth tokens after the user signs in to GitLab in the "
      + "browser (docs/oauth.md). Needs MCP_SERVER_URL and a GitLab application.");
  public static final Setting OAUTH_INSECURE_ISSUER = Setting.bool("oauth.allowInsecureIssuerUrl",
      List.of("MCP_DANGEROUSLY_ALLOW_INSECURE_ISSUER_URL"), false,
      "Allow an http:// MCP_SERVER_URL beyond loopback with OAuth (tokens then travel unencrypted; labs only).");
  public static final Setting OAUTH_APP_ID = Setting.string("oauth.appId", "GITLAB_OAUTH_APP_ID", "",
      "Application ID of the GitLab application the gateway signs users in with (default instance; others: "
      + "oauth.clientId in the instances file).");
  public static final Setting OAUTH_APP_SECRET = Setting.secret("oauth.appSecret", "GITLAB_OAUTH_CLIENT_SECRET",
      "Secret of that GitLab application when it is confidential; empty for a public one (PKCE only).");
  public static final Setting OAUTH_APP_SECRET_FILE = Setting.string("oauth.appSecretFile",
      "GITLAB_OAUTH_CLIENT_SECRET_FILE", "", "File holding GITLAB_OAUTH_CLIENT_SECRET (for mounted secrets).");
  public static final Setting OAUTH_ALLOWED_GROUPS = new Setting("oauth.allowedGroups",
      List.of("GITLAB_OAUTH_ALLOWED_GROUPS", "GITLAB_ALLOWED_GROUPS"), "", Setting.Type.LIST, false,
      "Only members of these GitLab groups (full paths, comma separated; subgroups count) may sign in; empty: anyone "
      + "who can sign in to GitLab.", 0, 0, null);
  public static final Setting OAUTH_CLIENTS = Setting.string("oauth.clients", "GITLAB_MCP_OAUTH_CLIENTS", "",
      "Pre-registered OAuth clients: a JSON array of {\"client_id\",\"client_name\",\"redirect_uris\":[...]} "
      + "(public clients using PKCE).");

  public static final Setting LOG_FORMAT = Setting.choice("log.format", "LOG_FORMAT", "text", List.of("text", "json"),
      "Log line format.");
  public static final Setting LOG_LEVEL = Setting.choice("log.level", "LOG_LEVEL", "info",
      List.of("trace", "debug", "info", "warn", "error"), "Log level of the gateway's own loggers.");

  public static final List<Setting> ALL = List.of(
      HOST, PORT, PUBLIC_URL, ALLOWED_ORIGINS, ALLOWED_HOSTS, MAX_BODY_BYTES, IDLE_TIMEOUT, SSE_HEARTBEAT, TRUST_PROXY,
      TRUSTED_PROXY_HOPS, BODY_TIMEOUT, DRAIN_SECONDS, HTTP_VERTICLES,
      SESSION_TIMEOUT, MAX_SESSIONS, MAX_SESSIONS_PER_USER, MAX_REQUESTS_PER_MINUTE, IP_REQUESTS_PER_MINUTE, STREAMABLE_HTTP,
      MCP_AUTH_TOKEN, HEALTH_DETAIL_TOKEN, REMOTE_AUTHORIZATION, TOKEN_CACHE_SECONDS,
      GITLAB_URL, INSTANCES_FILE, INSTANCES, INSTANCES_RELOAD, BACKGROUND_CHECKS, GITLAB_TOKEN,
      HTTPS_PROXY, HTTP_PROXY, NO_PROXY, CA_FILE, GITLAB_HTTP2, GITLAB_H2C, GITLAB_MAX_CONNECTIONS, GITLAB_KEEPALIVE,
      GITLAB_CONNECT_TIMEOUT, GITLAB_REQUEST_TIMEOUT, GITLAB_MAX_RESPONSE_BYTES, GITLAB_MAX_RETRIES,
      READ_ONLY, PERMISSION_MODE, TOOLSETS, EXTRA_TOOLS, USE_PIPELINE, USE_MILESTONE, USE_WIKI, DENIED_TOOLS_REGEX,
      ALLOWED_PROJECT_IDS, DEFAULT_PROJECT, TOOL_LIST_MODE, MAX_OUTPUT_CHARS,
      TIER_CACHE_SECONDS, TIER_TIMEOUT_MS,
      REDIS_URL, REDIS_KEY_PREFIX, REDIS_MODE, REDIS_ENDPOINTS, REDIS_MASTER_NAME,
      DATABASE_URL, DATABASE_URL_FILE, DATABASE_POOL_SIZE, ENCRYPTION_KEY, ENCRYPTION_KEY_FILE, ENCRYPTION_OLD_KEYS,
      ENCRYPTION_OLD_KEYS_FILE, AUDIT_RETENTION_DAYS,
      LOG_FORMAT, LOG_LEVEL,
      OAUTH_ACCESS_TOKEN_SECONDS, OAUTH_GRANT_DAYS, OAUTH_REFRESH_MARGIN_SECONDS, OAUTH_GRANT_CHECK_SECONDS,
      OAUTH, OAUTH_INSECURE_ISSUER, OAUTH_APP_ID, OAUTH_APP_SECRET, OAUTH_APP_SECRET_FILE, OAUTH_ALLOWED_GROUPS,
      OAUTH_CLIENTS);

  private static final Map<String, Setting> BY_KEY = new LinkedHashMap<>();

  static {
    for (Setting s : ALL) {
      if (BY_KEY.put(s.key(), s) != null) {
        throw new IllegalStateException("duplicate setting " + s.key());
      }
    }
  }

  private Settings() {
  }

  public static Setting byKey(String key) {
    return BY_KEY.get(key);
  }
}
