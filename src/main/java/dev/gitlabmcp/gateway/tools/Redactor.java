package dev.gitlabmcp.gateway.tools;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Removes secrets from GitLab answers before a model sees them, slim or full. */
public final class Redactor {

  public static final String REDACTED = "[REDACTED]";
  private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s\"]+@");

  private Redactor() {
  }

  static boolean secretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.equals("token") || k.endsWith("_token") || k.contains("password") || k.contains("secret")
        || k.equals("private_key") || k.equals("credentials");
  }

  /** Redacts in place and returns the same value. */
  public static Object redact(Object v) {
    if (v instanceof JsonObject o) {
      boolean masked = Boolean.TRUE.equals(o.getValue("masked")) || Boolean.TRUE.equals(o.getValue("hidden"));
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
      return URL_CREDENTIALS.matcher(s).replaceAll("$1" + REDACTED + "@");
    }
    return v;
  }
}
