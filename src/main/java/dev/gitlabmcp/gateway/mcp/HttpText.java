package dev.gitlabmcp.gateway.mcp;

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

  /**
   * Whether an Accept header admits the media type (exactly, by major type wildcard, or any), ignoring case and
   * parameters. Read in place: it runs twice on every POST.
   */
  static boolean accepts(String accept, String type) {
    if (accept == null) {
      return false;
    }
    int major = type.indexOf('/') + 1; // "application/" or "text/", the slash included
    int n = accept.length();
    for (int start = 0; start <= n; ) {
      int end = accept.indexOf(',', start);
      end = end < 0 ? n : end;
      int semi = accept.indexOf(';', start);
      int from = start;
      int to = semi >= 0 && semi < end ? semi : end;
      while (from < to && accept.charAt(from) <= ' ') {
        from++;
      }
      while (to > from && accept.charAt(to - 1) <= ' ') {
        to--;
      }
      int len = to - from;
      if (len == type.length() && accept.regionMatches(true, from, type, 0, len)
          || len == 3 && accept.startsWith("*/*", from)
          || len == major + 1 && accept.charAt(to - 1) == '*' && accept.regionMatches(true, from, type, 0, major)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }
}
