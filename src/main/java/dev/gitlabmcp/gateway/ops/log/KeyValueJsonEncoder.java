package dev.gitlabmcp.gateway.ops.log;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.JsonEscapeUtil;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * logback's JSON line plus what our one-line-per-event messages say: {@code "event"} (the leading
 * snake_case word, e.g. {@code session_created}) and {@code "fields"} (every {@code key=value} of
 * the formatted message, and any SLF4J key-value pair), so a log store can filter on
 * {@code fields.session} without parsing text. Values stay strings: the same key must not be a
 * number in one line and a string in the next. logback.xml turns on the formatted message and off
 * the bare template, so no line carries a {@code {}} placeholder instead of a value.
 */
public final class KeyValueJsonEncoder extends JsonEncoder {

  private String fieldsLoggerPrefix = "";

  /**
   * Only loggers whose name starts with this get {@code event} and {@code fields}: our messages
   * are written as key=value, a library's are prose where a parse would find nonsense.
   */
  public void setFieldsLoggerPrefix(String fieldsLoggerPrefix) {
    this.fieldsLoggerPrefix = fieldsLoggerPrefix == null ? "" : fieldsLoggerPrefix;
  }

  @Override
  protected void appendCustomFields(StringBuilder sb, ILoggingEvent event) {
    if (event.getLoggerName() == null || !event.getLoggerName().startsWith(fieldsLoggerPrefix)) {
      return;
    }
    String message = event.getFormattedMessage();
    String name = eventName(message);
    if (name != null) {
      member(sb, "event").append('"').append(name).append('"');
    }
    Map<String, String> fields = fields(message);
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) {
        fields.putIfAbsent(kv.key, String.valueOf(kv.value));
      }
    }
    if (fields.isEmpty()) {
      return;
    }
    member(sb, "fields").append('{');
    String separator = "";
    for (Map.Entry<String, String> f : fields.entrySet()) {
      sb.append(separator).append('"').append(JsonEscapeUtil.jsonEscapeString(f.getKey())).append("\":\"")
          .append(JsonEscapeUtil.jsonEscapeString(f.getValue())).append('"');
      separator = ",";
    }
    sb.append('}');
  }

  private static StringBuilder member(StringBuilder sb, String name) {
    if (sb.charAt(sb.length() - 1) != '{') {
      sb.append(',');
    }
    return sb.append('"').append(name).append("\":");
  }

  /** The message's first word when it is a snake_case event name ({@code tool_call ...}), else null. */
  static String eventName(String message) {
    if (message == null) {
      return null;
    }
    int end = 0;
    boolean underscore = false;
    while (end < message.length() && isEventChar(message.charAt(end))) {
      underscore |= message.charAt(end) == '_';
      end++;
    }
    boolean wordEnds = end == message.length() || message.charAt(end) == ' ' || message.charAt(end) == ':';
    return end > 0 && underscore && wordEnds && Character.isLetter(message.charAt(0)) ? message.substring(0, end)
        : null;
  }

  private static boolean isEventChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  }

  /**
   * Every {@code key=value} of a message, in order, the first of a repeated key kept. A key starts
   * the message or follows a space or '('; a value runs to the next space, or is a double-quoted
   * string (quotes dropped). Trailing {@code ,;:)} of an unquoted value are punctuation, not value.
   * One pass over the message: its length bounds the work.
   */
  static Map<String, String> fields(String message) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (message == null) {
      return fields;
    }
    int n = message.length();
    int i = 0;
    while (i < n) {
      boolean keyMayStart = i == 0 || message.charAt(i - 1) == ' ' || message.charAt(i - 1) == '(';
      if (!keyMayStart || !isKeyStart(message.charAt(i))) {
        i++;
        continue;
      }
      int keyEnd = i;
      while (keyEnd < n && isKeyChar(message.charAt(keyEnd))) {
        keyEnd++;
      }
      if (keyEnd == n || message.charAt(keyEnd) != '=') {
        i = keyEnd;
        continue;
      }
      String key = message.substring(i, keyEnd);
      int start = keyEnd + 1;
      int end;
      String value;
      if (start < n && message.charAt(start) == '"') {
        int close = message.indexOf('"', start + 1);
        end = close < 0 ? n : close + 1;
        value = message.substring(start + 1, close < 0 ? n : close);
      } else {
        end = start;
        while (end < n && message.charAt(end) != ' ') {
          end++;
        }
        int valueEnd = end;
        while (valueEnd > start && ",;:)".indexOf(message.charAt(valueEnd - 1)) >= 0) {
          valueEnd--;
        }
        value = message.substring(start, valueEnd);
      }
      fields.putIfAbsent(key, value);
      i = end;
    }
    return fields;
  }

  private static boolean isKeyStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isKeyChar(char c) {
    return isKeyStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
  }
}
