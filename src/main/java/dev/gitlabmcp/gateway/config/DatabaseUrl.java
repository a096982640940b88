package dev.gitlabmcp.gateway.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where the PostgreSQL database is and how to reach it, read from DATABASE_URL in either form libpq reads:
 * a URL ({@code postgres://user:password@host:5432/db?sslmode=verify-full}, also {@code postgresql://}) or
 * key/value pairs ({@code host=db port=5432 dbname=gateway user=gw password='s e c' sslmode=require}).
 * Parsing is linear in the text; no message ever contains the password.
 *
 * @param sslMode one of {@link #SSL_MODES}, libpq's names; libpq's default {@code prefer} when not given
 * @param rootCertFile PEM file of the CAs to trust ({@code sslrootcert}), empty: the JVM's default trust store
 * @param connectTimeoutSeconds {@code connect_timeout}, 0: the gateway's default
 */
public record DatabaseUrl(String host, int port, String database, String user, Secret password, String sslMode,
                          String rootCertFile, int connectTimeoutSeconds, String applicationName) {

  public static final int DEFAULT_PORT = 5432;
  public static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca",
      "verify-full");
  private static final List<String> PARAMETERS = List.of("host", "port", "dbname", "user", "password", "sslmode",
      "sslrootcert", "connect_timeout", "application_name");

  public DatabaseUrl {
    Objects.requireNonNull(host, "host");
    password = password == null ? Secret.NONE : password;
    rootCertFile = rootCertFile == null ? "" : rootCertFile;
    applicationName = applicationName == null || applicationName.isEmpty() ? "gitlab-mcp-gateway" : applicationName;
  }

  /** Thrown for a DATABASE_URL that cannot be read; the message never repeats the password. */
  public static final class Invalid extends IllegalArgumentException {
    Invalid(String message) {
      super(message);
    }
  }

  /** Parses either form; throws {@link Invalid} saying what is wrong. */
  public static DatabaseUrl parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty()) {
      throw new Invalid("it is empty");
    }
    String lower = t.toLowerCase(Locale.ROOT);
    Map<String, String> values = lower.startsWith("postgres://") || lower.startsWith("postgresql://")
        ? fromUrl(t) : lower.contains("://") ? invalidScheme() : fromKeyValues(t);
    return build(values);
  }

  private static Map<String, String> invalidScheme() {
    throw new Invalid("a URL must start with postgres:// or postgresql:// (or use the key/value form "
        + "host=... port=... dbname=... user=... password=... sslmode=...)");
  }

  /** host:port/dbname with TLS mode and user, never the password: for logs and config check. */
  public String describe() {
    return user + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database
        + " sslmode=" + sslMode;
  }

  private static Map<String, String> fromUrl(String url) {
    int schemeEnd = url.indexOf("://") + 3;
    String rest = url.substring(schemeEnd);
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      rest = rest.substring(0, hash);
    }
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String path = "";
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      path = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
    }
    Map<String, String> values = new LinkedHashMap<>();
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      put(values, "user", decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo, "the user name"));
      if (colon >= 0) {
        put(values, "password", decode(userInfo.substring(colon + 1), "the password"));
      }
    }
    hostAndPort(rest, values);
    if (!path.isEmpty()) {
      put(values, "dbname", decode(path, "the database name"));
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new Invalid("the query part must be name=value pairs joined by &");
      }
      String name = decode(pair.substring(0, eq), "a query parameter name");
      String value = decode(pair.substring(eq + 1), "the value of " + name);
      known(name);
      values.put(name, value);
    }
    return values;
  }

  private static void hostAndPort(String hostPort, Map<String, String> values) {
    if (hostPort.contains(",")) {
      throw new Invalid("several hosts are not supported: name one host (a proxy or the primary's service name)");
    }
    String host = hostPort;
    String port = "";
    if (hostPort.startsWith("[")) {
      int end = hostPort.indexOf(']');
      if (end < 0) {
        throw new Invalid("an IPv6 host must be written [address]");
      }
      host = hostPort.substring(1, end);
      String after = hostPort.substring(end + 1);
      if (!after.isEmpty() && !after.startsWith(":")) {
        throw new Invalid("after [address] only :port may follow");
      }
      port = after.isEmpty() ? "" : after.substring(1);
    } else {
      int colon = hostPort.lastIndexOf(':');
      if (colon >= 0) {
        host = hostPort.substring(0, colon);
        port = hostPort.substring(colon + 1);
      }
    }
    if (!host.isEmpty()) {
      values.put("host", decode(host, "the host"));
    }
    if (!port.isEmpty()) {
      values.put("port", port);
    }
  }

  /** libpq's key/value form: name = value, values optionally in single quotes with \' and \\ escapes. */
  private static Map<String, String> fromKeyValues(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    int i = 0;
    int n = text.length();
    while (true) {
      while (i < n && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return values;
      }
      int nameStart = i;
      while (i < n && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      String name = text.substring(nameStart, i);
      while (i < n && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i >= n || text.charAt(i) != '=') {
        throw new Invalid("expected name=value pairs (or a postgres:// URL), but '" + shown(name) + "' has no '='");
      }
      i++;
      while (i < n && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      StringBuilder value = new StringBuilder();
      if (i < n && text.charAt(i) == '\'') {
        i++;
        boolean closed = false;
        while (i < n) {
          char c = text.charAt(i++);
          if (c == '\\' && i < n) {
            value.append(text.charAt(i++));
          } else if (c == '\'') {
            closed = true;
            break;
          } else {
            value.append(c);
          }
        }
        if (!closed) {
          throw new Invalid("the quoted value of " + shown(name) + " has no closing quote");
        }
      } else {
        while (i < n && !Character.isWhitespace(text.charAt(i))) {
          char c = text.charAt(i++);
          value.append(c == '\\' && i < n ? text.charAt(i++) : c);
        }
      }
      known(name);
      put(values, name, value.toString());
    }
  }

  /** A parameter name for a message: it cannot carry the password (that sits in a value), but may be junk. */
  private static String shown(String name) {
    return name.length() > 40 ? name.substring(0, 40) + "..." : name;
  }

  private static void known(String name) {
    if (!PARAMETERS.contains(name)) {
      throw new Invalid("unsupported parameter '" + shown(name) + "' (supported: " + String.join(", ", PARAMETERS)
          + ")");
    }
  }

  private static void put(Map<String, String> values, String name, String value) {
    if (values.put(name, value) != null) {
      throw new Invalid(name + " is given twice");
    }
  }

  private static DatabaseUrl build(Map<String, String> v) {
    String host = v.getOrDefault("host", "localhost");
    if (host.isEmpty() || host.startsWith("/")) {
      throw new Invalid("name a TCP host (Unix sockets are not supported)");
    }
    int port = number(v.getOrDefault("port", Integer.toString(DEFAULT_PORT)), "port", 1, 65535);
    String user = v.getOrDefault("user", "postgres");
    if (user.isEmpty()) {
      throw new Invalid("the user name is empty");
    }
    String database = v.getOrDefault("dbname", user);
    String sslMode = v.getOrDefault("sslmode", "prefer").toLowerCase(Locale.ROOT);
    if (!SSL_MODES.contains(sslMode)) {
      throw new Invalid("sslmode must be one of " + String.join(", ", SSL_MODES) + ", not '" + shown(sslMode) + "'");
    }
    int connectTimeout = number(v.getOrDefault("connect_timeout", "0"), "connect_timeout", 0, 3600);
    return new DatabaseUrl(host, port, database, user, new Secret(v.getOrDefault("password", "")), sslMode,
        v.get("sslrootcert"), connectTimeout, v.get("application_name"));
  }

  private static int number(String text, String name, int min, int max) {
    if (!text.matches("[0-9]{1,9}")) {
      throw new Invalid(name + " must be a number, not '" + shown(text) + "'");
    }
    int value = Integer.parseInt(text);
    if (value < min || value > max) {
      throw new Invalid(name + " must be between " + min + " and " + max + ", not " + value);
    }
    return value;
  }

  /** Percent-decoding as RFC 3986 has it (a '+' stays a '+'); the value is never echoed on error. */
  private static String decode(String s, String what) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          throw new Invalid(what + " has a '%' not followed by two hex digits (write a literal % as %25)");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        int next = s.indexOf('%', i);
        int end = next < 0 ? s.length() : next;
        byte[] bytes = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        i = end - 1;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
