package dev.gitlabmcp.gateway.mcp;

import java.util.Locale;

/** Small text helpers for HTTP headers and messages that echo client input. */
final class HttpText {

  private HttpText() {
  }

  /** Client text made safe to echo: printable ASCII only, at most 40 characters. */
  static String clip(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 44));
    for (int i = 0; i < s.length() && b.length() < 40; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c <= 0x7e ? c : '?');
    }
    return s.length() > 40 ? b + "..." : b.toString();
  }

  /** Whether an Accept header admits the media type (exactly, by major type wildcard, or any). */
  static boolean accepts(String accept, String type) {
    if (accept == null) {
      return false;
    }
    String major = type.substring(0, type.indexOf('/'));
    for (String part : accept.split(",")) {
      String t = part.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (t.equals(type) || t.equals("*/*") || t.equals(major + "/*")) {
        return true;
      }
    }
    return false;
  }
}
