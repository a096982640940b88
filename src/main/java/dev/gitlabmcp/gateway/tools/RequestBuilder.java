package dev.gitlabmcp.gateway.tools;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Turns validated tool arguments into the GitLab path, query and body of a catalog entry.
 * Path values are percent-encoded whole, so {@code group/sub/project} becomes
 * {@code group%2Fsub%2Fproject} and a file path keeps its slashes inside one segment.
 */
public final class RequestBuilder {

  /** The request parts, or the reason an argument was refused. */
  public record Built(String pathAndQuery, Buffer body, String problem) {

    static Built refused(String problem) {
      return new Built(null, null, problem);
    }
  }

  private RequestBuilder() {
  }

  /** Longest value that goes into a URL path: GitLab paths and refs are far shorter, and URLs have limits. */
  static final int MAX_PATH_VALUE = 4096;

  public static Built build(ToolDefinition tool, JsonObject args) {
    for (ParamSpec p : tool.params()) {
      if ("integer".equals(p.type()) && args.getValue(p.name()) instanceof Number n
          && !(n instanceof Integer || n instanceof Long) && Math.abs(n.doubleValue()) >= 9.0e15) {
        return Built.refused("'" + p.name() + "' is out of range");
      }
    }
    String template = choosePath(tool, args);
    if (template == null) {
      return Built.refused("missing an argument that the GitLab path needs");
    }
    StringBuilder path = new StringBuilder(template.length() + 32);
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        path.append(template, i, template.length());
        break;
      }
      int close = template.indexOf('}', open);
      path.append(template, i, open);
      String name = template.substring(open + 1, close);
      boolean keepSlashes = name.startsWith("+");
      name = keepSlashes ? name.substring(1) : name;
      String value = scalar(args.getValue(name));
      String problem = checkPathValue(name, value);
      if (problem != null) {
        return Built.refused(problem);
      }
      if (keepSlashes) {
        String[] segments = normalizePathValue(value).split("/", -1);
        for (int k = 0; k < segments.length; k++) {
          if (segments[k].isEmpty()) {
            return Built.refused("'" + name + "' must not contain empty path segments");
          }
          path.append(k == 0 ? "" : "/").append(encode(segments[k]));
        }
      } else {
        path.append(encode(normalizePathValue(value)));
      }
      i = close + 1;
    }
    StringBuilder query = new StringBuilder();
    JsonObject body = null;
    for (ParamSpec p : tool.params()) {
      Object v = args.getValue(p.name());
      if (v == null) {
        v = p.defaultValue();
      }
      if (v == null || p.in() == ParamSpec.In.PATH || p.in() == ParamSpec.In.LOCAL) {
        continue;
      }
      if (p.upperCase()) {
        v = upperCase(v);
      }
      if (p.in() == ParamSpec.In.QUERY) {
        appendQuery(query, p, v);
      } else {
        if (body == null) {
          body = new JsonObject();
        }
        body.put(p.upstream(), p.commaList() && v instanceof JsonArray a ? joinComma(a) : withItemDefaults(p, v));
      }
    }
    boolean fixedInQuery = tool.method() == HttpMethod.GET || tool.method() == HttpMethod.DELETE;
    for (Map.Entry<String, Object> e : tool.fixed()) {
      if (fixedInQuery) {
        pair(query, e.getKey(), scalar(e.getValue()));
      } else {
        if (body == null) {
          body = new JsonObject();
        }
        body.put(e.getKey(), e.getValue());
      }
    }
    if (tool.graphql() != null && !tool.graphql().raw()) {
      // A GraphQL tool's params are the variables of its fixed document.
      body = new JsonObject().put("query", tool.graphql().document())
          .put("variables", body == null ? new JsonObject() : body);
    }
    String pq = query.length() == 0 ? path.toString() : path + "?" + query;
    return new Built(pq, body == null ? null : body.toBuffer(), null);
  }

  /** GraphQL enum values: issue -> ISSUE, [task, epic] -> [TASK, EPIC]. */
  private static Object upperCase(Object v) {
    if (v instanceof String str) {
      return str.toUpperCase(java.util.Locale.ROOT);
    }
    if (v instanceof JsonArray arr) {
      JsonArray out = new JsonArray();
      arr.forEach(x -> out.add(upperCase(x)));
      return out;
    }
    return v;
  }

  /** Fills the declared defaults of object items' properties ({action: create} for a pushed file). */
  private static Object withItemDefaults(ParamSpec p, Object v) {
    if (!(v instanceof JsonArray arr) || !(p.schema().getValue("items") instanceof JsonObject items)
        || !(items.getValue("properties") instanceof JsonObject props)) {
      return v;
    }
    JsonArray out = new JsonArray();
    for (Object item : arr) {
      if (item instanceof JsonObject o) {
        JsonObject filled = o.copy();
        for (Map.Entry<String, Object> prop : props) {
          if (prop.getValue() instanceof JsonObject ps && ps.containsKey("default") && !filled.containsKey(prop.getKey())) {
            filled.put(prop.getKey(), ps.getValue("default"));
          }
        }
        out.add(filled);
      } else {
        out.add(item);
      }
    }
    return out;
  }

  /** The first template whose placeholders all have values. */
  private static String choosePath(ToolDefinition tool, JsonObject args) {
    for (String t : tool.paths()) {
      boolean ok = true;
      int i = 0;
      while ((i = t.indexOf('{', i)) >= 0) {
        int close = t.indexOf('}', i);
        String name = t.substring(i + 1, close);
        if (args.getValue(name.startsWith("+") ? name.substring(1) : name) == null) {
          ok = false;
          break;
        }
        i = close + 1;
      }
      if (ok) {
        return t;
      }
    }
    return null;
  }

  /** Accepts an already-encoded project path (group%2Fproject) as users copy it from URLs. */
  static String normalizePathValue(String value) {
    if (value.indexOf('/') < 0 && (value.contains("%2F") || value.contains("%2f"))) {
      return value.replace("%2F", "/").replace("%2f", "/");
    }
    return value;
  }

  /** Refuses values that could walk out of the intended GitLab resource. */
  static String checkPathValue(String name, String raw) {
    if (raw == null || raw.isEmpty()) {
      return "'" + name + "' must not be empty";
    }
    if (raw.length() > MAX_PATH_VALUE) {
      return "'" + name + "' is too long (" + raw.length() + " characters; at most " + MAX_PATH_VALUE + ")";
    }
    String value = normalizePathValue(raw);
    for (int k = 0; k < value.length(); k++) {
      char c = value.charAt(k);
      if (c < 0x20 || c == 0x7f) {
        return "'" + name + "' must not contain control characters";
      }
    }
    for (String seg : value.split("/", -1)) {
      if (seg.equals("..") || seg.equals(".")) {
        return "'" + name + "' must not contain '.' or '..' path segments";
      }
    }
    if (value.contains("\\")) {
      return "'" + name + "' must not contain backslashes";
    }
    return null;
  }

  private static void appendQuery(StringBuilder q, ParamSpec p, Object v) {
    if (v instanceof JsonArray arr) {
      if (p.commaList()) {
        pair(q, p.upstream(), joinComma(arr));
      } else {
        for (Object x : arr) {
          pair(q, p.upstream() + "[]", scalar(x));
        }
      }
    } else if (v instanceof JsonObject obj) {
      for (Map.Entry<String, Object> e : obj) {
        pair(q, p.upstream() + "[" + e.getKey() + "]", scalar(e.getValue()));
      }
    } else {
      pair(q, p.upstream(), scalar(v));
    }
  }

  private static String joinComma(JsonArray arr) {
    StringBuilder joined = new StringBuilder();
    for (Object x : arr) {
      if (joined.length() > 0) {
        joined.append(',');
      }
      joined.append(scalar(x));
    }
    return joined.toString();
  }

  private static void pair(StringBuilder q, String k, String v) {
    if (q.length() > 0) {
      q.append('&');
    }
    q.append(encode(k).replace("%5B", "[").replace("%5D", "]")).append('=').append(encode(v));
  }

  static String scalar(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      return Long.toString(d.longValue());
    }
    return String.valueOf(v);
  }

  /** RFC 3986 percent-encoding of everything but unreserved characters. */
  public static String encode(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
