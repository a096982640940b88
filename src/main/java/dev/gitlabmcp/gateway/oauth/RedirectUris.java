package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.config.GatewayConfig;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which redirect URIs a client may register (RFC 8252, MCP authorization): https anywhere; plain http on a
 * loopback host with any port; a private-use scheme (cursor://, vscode://) for native apps. Never a
 * fragment, user info, or a scheme a browser would run.
 */
final class RedirectUris {

  static final int MAX = 10;
  private static final Set<String> FORBIDDEN_SCHEMES = Set.of("javascript", "data", "file", "vbscript", "about",
      "blob", "filesystem", "ws", "wss", "ftp");

  private RedirectUris() {
  }

  /** Why {@code uri} cannot be registered by a client of {@code applicationType}, or null when it can. */
  static String problem(String uri, String applicationType) {
    if (uri == null || uri.isBlank() || uri.length() > 2000) {
      return "a redirect URI must be a non-empty URI of at most 2000 characters";
    }
    URI u;
    try {
      u = new URI(uri);
    } catch (Exception e) {
      return "'" + clip(uri) + "' is not a valid URI";
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!u.isAbsolute() || u.getRawFragment() != null || u.getRawUserInfo() != null) {
      return "'" + clip(uri) + "' must be absolute, without a fragment or user info";
    }
    boolean web = "web".equals(applicationType);
    if (scheme.equals("https")) {
      return u.getHost() == null ? "'" + clip(uri) + "' has no host" : null;
    }
    if (scheme.equals("http")) {
      if (u.getHost() == null || !GatewayConfig.isLoopback(u.getHost())) {
        return "'" + clip(uri) + "': plain http is allowed on a loopback host only (127.0.0.1, [::1], localhost); "
            + "use https";
      }
      return web ? "'" + clip(uri) + "': a web application cannot redirect to a loopback address (use "
          + "application_type native)" : null;
    }
    if (FORBIDDEN_SCHEMES.contains(scheme) || !scheme.matches("[a-z][a-z0-9+.-]*")) {
      return "'" + clip(uri) + "': the scheme " + scheme + " is not allowed";
    }
    return web ? "'" + clip(uri) + "': a web application redirects to https only" : null;
  }

  /** The application type a client that did not say would have: native when any URI is loopback or private-use. */
  static String inferType(List<String> uris) {
    return uris.stream().allMatch(u -> u.regionMatches(true, 0, "https:", 0, 6) && !loopback(u)) ? "web" : "native";
  }

  static boolean loopback(String uri) {
    try {
      URI u = new URI(uri);
      return u.getHost() != null && GatewayConfig.isLoopback(u.getHost());
    } catch (Exception e) {
      return false;
    }
  }

  /** The host a consent page shows (or the scheme for private-use URIs). */
  static String host(String uri) {
    try {
      URI u = new URI(uri);
      return u.getHost() != null ? u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") : u.getScheme() + ":";
    } catch (Exception e) {
      return clip(uri);
    }
  }

  static String clip(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }
}
