package dev.gitlabmcp.gateway.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One GitLab instance and how the gateway talks to it.
 *
 * @param token the server-side token for this instance (empty: anonymous, or callers bring their own)
 * @param label what people see (defaults to the name)
 * @param isDefault the instance /mcp without a name uses
 * @param caFile PEM file of extra CA certificates to trust (empty: the JVM's)
 * @param insecureSkipVerify accept any certificate (tests and labs only; logged loudly)
 * @param proxy http://host:port of an HTTP proxy (empty: direct)
 * @param noProxy host names (or .suffixes) reached directly despite the proxy
 */
public record GitLabConfig(String name, URI baseUrl, Secret token, boolean http2, boolean h2c, int maxConnections,
                           int keepAliveSeconds, int connectTimeoutMs, int requestTimeoutMs, long maxResponseBytes,
                           int maxRetries, String label, boolean isDefault, String caFile, boolean insecureSkipVerify,
                           String proxy, List<String> noProxy, OAuthClientConfig oauth, RateLimitConfig rateLimit) {

  public GitLabConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "baseUrl");
    token = token == null ? Secret.NONE : token;
    label = label == null || label.isBlank() ? name : label;
    caFile = caFile == null ? "" : caFile;
    proxy = proxy == null ? "" : proxy;
    noProxy = noProxy == null ? List.of() : List.copyOf(noProxy);
    oauth = oauth == null ? OAuthClientConfig.NONE : oauth;
    rateLimit = rateLimit == null ? RateLimitConfig.DEFAULT : rateLimit;
  }

  /** A lone default instance with default TLS, proxy, OAuth and rate-limit settings. */
  public GitLabConfig(String name, URI baseUrl, Secret token, boolean http2, boolean h2c, int maxConnections,
                      int keepAliveSeconds, int connectTimeoutMs, int requestTimeoutMs, long maxResponseBytes,
                      int maxRetries) {
    this(name, baseUrl, token, http2, h2c, maxConnections, keepAliveSeconds, connectTimeoutMs, requestTimeoutMs,
        maxResponseBytes, maxRetries, name, true, "", false, "", List.of(), OAuthClientConfig.NONE,
        RateLimitConfig.DEFAULT);
  }

  /** The same instance with another server-side token. */
  public GitLabConfig withToken(Secret t) {
    return new GitLabConfig(name, baseUrl, t, http2, h2c, maxConnections, keepAliveSeconds, connectTimeoutMs,
        requestTimeoutMs, maxResponseBytes, maxRetries, label, isDefault, caFile, insecureSkipVerify, proxy, noProxy,
        oauth, rateLimit);
  }

  /** The same instance with another CA file, proxy and proxy exceptions. */
  public GitLabConfig withNetwork(String ca, String viaProxy, List<String> direct) {
    return new GitLabConfig(name, baseUrl, token, http2, h2c, maxConnections, keepAliveSeconds, connectTimeoutMs,
        requestTimeoutMs, maxResponseBytes, maxRetries, label, isDefault, ca, insecureSkipVerify, viaProxy, direct,
        oauth, rateLimit);
  }

  public boolean tls() {
    return "https".equalsIgnoreCase(baseUrl.getScheme());
  }

  /** The REST API root, e.g. https://gitlab.com/api/v4 or https://host/gitlab/api/v4. */
  public String apiBase() {
    return baseUrl.toString() + "/api/v4";
  }

  /**
   * Normalizes a GitLab URL as users write it: trailing slashes and a trailing /api/v4 go, a
   * subpath such as /gitlab stays. Returns null when it is not an absolute http(s) URL.
   */
  public static URI normalizeUrl(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String s = raw.trim();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.endsWith("/api/v4")) {
      s = s.substring(0, s.length() - "/api/v4".length());
    }
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    try {
      URI uri = new URI(s);
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
          || uri.getRawUserInfo() != null) {
        return null;
      }
      return uri;
    } catch (Exception e) {
      return null;
    }
  }
}
