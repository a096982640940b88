package dev.gitlabmcp.gateway.limit;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The address a per-address limit keys on. Behind trusted proxies (TRUST_PROXY with
 * TRUSTED_PROXY_HOPS = n) it is the n-th entry of X-Forwarded-For counted from the right: each
 * trusted proxy appends the address it received the request from, so the entries left of those are
 * written by the client and prove nothing. IPv6 addresses are keyed by their /64, since one host
 * commonly holds a whole /64.
 */
public final class ClientAddress {

  private static final int MAX_ENTRY = 64;

  private final int trustedHops;

  /**
   * @param trustedHops how many proxies in front of the gateway append to X-Forwarded-For; 0 trusts none
   */
  public ClientAddress(int trustedHops) {
    this.trustedHops = Math.max(0, trustedHops);
  }

  public String of(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    String peer = remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    if (trustedHops == 0) {
      return key(peer);
    }
    String xff = request.getHeader("X-Forwarded-For");
    String hop = xff == null ? null : fromRight(xff, trustedHops);
    return key(hop == null ? peer : hop);
  }

  /**
   * The n-th comma-separated entry from the right, or the left-most when there are fewer (the request
   * passed fewer proxies than configured); null when the header holds nothing usable.
   */
  static String fromRight(String header, int n) {
    int end = header.length();
    String last = null;
    for (int i = 0; i < n; i++) {
      int comma = header.lastIndexOf(',', end - 1);
      String entry = header.substring(comma + 1, end).trim();
      if (!entry.isEmpty()) {
        last = entry;
      }
      if (comma < 0) {
        break;
      }
      end = comma;
    }
    return last == null || last.length() > MAX_ENTRY ? null : last;
  }

  /** An IPv4 address as is; an IPv6 address reduced to its /64 prefix. */
  static String key(String address) {
    String a = address;
    if (a.startsWith("[") && a.indexOf(']') > 0) {
      a = a.substring(1, a.indexOf(']'));
    }
    if (a.indexOf(':') < 0) {
      return a;
    }
    int zone = a.indexOf('%');
    if (zone >= 0) {
      a = a.substring(0, zone);
    }
    String[] groups = expand(a);
    if (groups == null) {
      return a;
    }
    return groups[0] + ":" + groups[1] + ":" + groups[2] + ":" + groups[3] + "::/64";
  }

  /** The eight 16-bit groups of an IPv6 literal (lower-case, no leading zeros), or null when it is not one. */
  private static String[] expand(String a) {
    if (a.contains(".")) {
      return null; // IPv4-mapped forms: rare as client addresses; keyed whole
    }
    String[] out = new String[8];
    int dbl = a.indexOf("::");
    String[] head = dbl < 0 ? a.split(":", -1) : a.substring(0, dbl).isEmpty() ? new String[0]
        : a.substring(0, dbl).split(":", -1);
    String[] tail = dbl < 0 ? new String[0] : a.substring(dbl + 2).isEmpty() ? new String[0]
        : a.substring(dbl + 2).split(":", -1);
    if (head.length + tail.length > 8 || (dbl < 0 && head.length != 8)) {
      return null;
    }
    int i = 0;
    for (String g : head) {
      out[i++] = norm(g);
    }
    while (i < 8 - tail.length) {
      out[i++] = "0";
    }
    for (String g : tail) {
      out[i++] = norm(g);
    }
    for (String g : out) {
      if (g == null) {
        return null;
      }
    }
    return out;
  }

  private static String norm(String group) {
    if (group.isEmpty() || group.length() > 4) {
      return null;
    }
    try {
      return Integer.toHexString(Integer.parseInt(group, 16));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
