package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.config.GatewayConfig;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DNS-rebinding protection: the Host header must name this gateway and a browser Origin must be
 * one the operator allowed. Loopback is always allowed, on any port.
 */
public final class OriginGuard {

  private final Set<String> hosts = new HashSet<>();
  private final Set<String> origins = new HashSet<>();
  private final boolean anyHost;
  private final boolean anyOrigin;
  /**
   * The Host header last accepted, exactly as sent: clients send the same one on every request, and
   * checking it anew (a regular expression, an address parse for loopback literals) cost a few
   * microseconds per request. One entry, so hostile headers cannot grow it.
   */
  private volatile String lastAccepted;

  public OriginGuard(GatewayConfig cfg) {
    List<String> allowedHosts = cfg.allowedHosts();
    List<String> allowedOrigins = cfg.allowedOrigins();
    anyHost = allowedHosts.contains("*");
    anyOrigin = allowedOrigins.contains("*");
    for (String h : allowedHosts) {
      hosts.add(h.toLowerCase(Locale.ROOT));
    }
    for (String o : allowedOrigins) {
      origins.add(stripSlash(o.toLowerCase(Locale.ROOT)));
    }
    if (!cfg.publicUrl().isEmpty()) {
      URI u = URI.create(cfg.publicUrl());
      hosts.add(u.getHost().toLowerCase(Locale.ROOT));
      origins.add(u.getScheme().toLowerCase(Locale.ROOT) + "://" + u.getAuthority().toLowerCase(Locale.ROOT));
    }
    String bind = cfg.host().toLowerCase(Locale.ROOT);
    if (!bind.equals("0.0.0.0") && !bind.equals("::") && !bind.equals("[::]")) {
      hosts.add(bind); // a specific address the gateway listens on is a name clients may use
    }
  }

  /** Null when the Host header is acceptable, else the reason. */
  public String checkHost(String hostHeader) {
    if (hostHeader == null || hostHeader.isBlank()) {
      return "the Host header is missing";
    }
    if (anyHost || hostHeader.equals(lastAccepted)) {
      return null;
    }
    String hp = hostHeader.trim().toLowerCase(Locale.ROOT);
    String name = hostName(hp);
    if (name == null) {
      return "the Host header is malformed";
    }
    if (hosts.contains(hp) || hosts.contains(name) || GatewayConfig.isLoopback(name)) {
      lastAccepted = hostHeader;
      return null;
    }
    return "Host '" + abbreviate(hostHeader) + "' is not allowed (set MCP_ALLOWED_HOSTS or MCP_SERVER_URL)";
  }

  /** Null when the Origin is absent or acceptable, else the reason. */
  public String checkOrigin(String origin) {
    if (origin == null) {
      return null; // not a browser: nothing to rebind
    }
    if (anyOrigin) {
      return null;
    }
    String o = stripSlash(origin.trim().toLowerCase(Locale.ROOT));
    if (origins.contains(o)) {
      return null;
    }
    try {
      URI u = new URI(o);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
          && GatewayConfig.isLoopback(u.getHost())) {
        return null;
      }
    } catch (Exception ignored) {
      // falls through to the refusal
    }
    return "Origin '" + abbreviate(origin) + "' is not allowed (set MCP_ALLOWED_ORIGINS)";
  }

  /** The host part of host[:port], IPv6 in brackets kept whole; null when malformed. */
  static String hostName(String hp) {
    if (hp.startsWith("[")) {
      int end = hp.indexOf(']');
      return end < 0 ? null : hp.substring(0, end + 1);
    }
    int colon = hp.lastIndexOf(':');
    String name = colon < 0 ? hp : hp.substring(0, colon);
    if (name.isEmpty()) {
      return null;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
        return null;
      }
    }
    return name;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static String abbreviate(String s) {
    String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
  }
}
