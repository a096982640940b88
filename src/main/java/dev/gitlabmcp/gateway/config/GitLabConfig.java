package dev.gitlabmcp.gateway.config;

import java.net.URI;
import java.util.Objects;

/** One GitLab instance and how the gateway talks to it. */
public record GitLabConfig(String name, URI baseUrl, Secret token, boolean http2, boolean h2c, int maxConnections,
                           int keepAliveSeconds, int connectTimeoutMs, int requestTimeoutMs, long maxResponseBytes,
                           int maxRetries) {

  public GitLabConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "baseUrl");
    token = token == null ? Secret.NONE : token;
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
