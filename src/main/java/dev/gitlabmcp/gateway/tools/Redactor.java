package dev.gitlabmcp.gateway.tools;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * Removes secrets from GitLab answers before a model sees them, slim or full. It runs on an event loop over
 * user-written text, so every step is linear in what it reads (no backtracking pattern).
 */
public final class Redactor {

  public static final String REDACTED = "[REDACTED]";

  private Redactor() {
  }

  static boolean secretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.equals("token") || k.endsWith("_token") || k.contains("password") || k.contains("secret")
        || k.equals("private_key") || k.equals("credentials");
  }

  /** A masked or hidden CI variable: its {@code value} is never shown, whatever else of it is. */
  static boolean hidesValue(JsonObject o) {
    return Boolean.TRUE.equals(o.getValue("masked")) || Boolean.TRUE.equals(o.getValue("hidden"));
  }

  /** Redacts in place and returns the same value. */
  public static Object redact(Object v) {
    if (v instanceof JsonObject o) {
      boolean masked = hidesValue(o);
      // Iterating a JsonObject hands out read-only entries for nested values: write back with put.
      for (String key : List.copyOf(o.fieldNames())) {
        Object x = o.getValue(key);
        if (x == null) {
          continue;
        }
        if (secretKey(key) && !(x instanceof Boolean) && !(x instanceof JsonObject) && !(x instanceof JsonArray)) {
          o.put(key, REDACTED);
        } else if (masked && key.equals("value")) {
          o.put(key, REDACTED);
        } else {
          o.put(key, redact(x));
        }
      }
      return o;
    }
    if (v instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, redact(a.getValue(i)));
      }
      return a;
    }
    if (v instanceof String s && s.indexOf('@') > 0 && s.contains("://")) {
      return urlCredentials(s, false);
    }
    return v;
  }

  /**
   * The user info of every {@code scheme://user:password@} replaced, as the pattern
   * {@code (?i)\b([a-z][a-z0-9+.-]*://)[^/@\s"]+@} would, in one pass: each character is read a bounded number
   * of times, since a scheme run ends at its {@code ://} and a user-info run at the next {@code /}.
   *
   * @param cut the text is the start of a longer one: user info that runs to its end is redacted too, since
   *     its {@code @} may have been cut off
   */
  static String urlCredentials(CharSequence s, boolean cut) {
    int n = s.length();
    StringBuilder out = null;
    int copied = 0;
    boolean scheme = false; // the current run of scheme characters holds a letter that starts a word
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (schemeChar(c)) {
        scheme = scheme || letter(c) && (i == 0 || !wordChar(s.charAt(i - 1)));
        i++;
        continue;
      }
      if (c == ':' && scheme && i + 2 < n && s.charAt(i + 1) == '/' && s.charAt(i + 2) == '/') {
        int from = i + 3;
        int end = from;
        while (end < n && !endsUserInfo(s.charAt(end))) {
          end++;
        }
        if (end > from && (end < n ? s.charAt(end) == '@' : cut)) {
          out = out == null ? new StringBuilder(n) : out;
          out.append(s, copied, from).append(REDACTED);
          copied = end;
          i = end + 1;
          scheme = false;
          continue;
        }
      }
      scheme = false;
      i++;
    }
    if (out == null) {
      return s.toString();
    }
    return out.append(s, copied, n).toString();
  }

  private static boolean letter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean schemeChar(char c) {
    return letter(c) || c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-';
  }

  private static boolean wordChar(char c) {
    return letter(c) || c >= '0' && c <= '9' || c == '_';
  }

  /** What cannot be part of user info: {@code / @ " } and the whitespace of {@code \s}. */
  private static boolean endsUserInfo(char c) {
    return c == '/' || c == '@' || c == '"' || c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f'
        || c == '\r';
  }
}
