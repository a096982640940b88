package dev.gitlabmcp.gateway.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tool result text that frames user-written content as untrusted: the preface before the
 * opening marker, the marker's nonce, and exactly what sits between the markers.
 */
record Framed(String preface, String nonce, String content) {

  private static final Pattern FRAME = Pattern.compile(
      "(?s)(.*)<untrusted-content id=\"([0-9a-f]{8,})\">\n(.*)\n</untrusted-content id=\"\\2\">");

  static Framed parse(String text) {
    Matcher m = FRAME.matcher(text);
    if (!m.matches()) {
      fail("expected content framed between <untrusted-content id=...> markers, got:\n" + text);
    }
    return new Framed(m.group(1), m.group(2), m.group(3));
  }
}
