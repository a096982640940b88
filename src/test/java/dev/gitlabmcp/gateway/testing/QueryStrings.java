package dev.gitlabmcp.gateway.testing;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The query parameters of a redirect's Location, decoded, in order (the last of a repeated name wins). */
public final class QueryStrings {

  private QueryStrings() {
  }

  public static Map<String, String> of(String location) {
    Map<String, String> out = new LinkedHashMap<>();
    String q = URI.create(location).getRawQuery();
    for (String pair : q == null ? new String[0] : q.split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }
}
