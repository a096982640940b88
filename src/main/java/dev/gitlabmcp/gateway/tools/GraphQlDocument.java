package dev.gitlabmcp.gateway.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads just enough of a GraphQL document to tell a read from a write: the keywords of its top-level
 * definitions and the field names it selects. Comments and string values are skipped, so a mutation cannot
 * hide in them; anything this reader cannot follow counts as a write (fail closed).
 */
final class GraphQlDocument {

  /** What a document does. */
  enum Kind {
    /** Only queries (and fragments). */
    QUERY,
    /** A mutation or subscription, or a document this reader cannot follow. */
    WRITE
  }

  /** Field names that lose data: a mutation selecting one is destructive (refused in modify mode). */
  private static final Pattern DELETING = Pattern.compile("(?i).*(delete|destroy|remove|purge|erase|revoke).*");

  private GraphQlDocument() {
  }

  /** QUERY when every top-level operation of the document is a query, else WRITE. */
  static Kind operations(Object document) {
    List<String> topLevel = new ArrayList<>();
    if (!(document instanceof String doc) || !scan(doc, topLevel, null)) {
      return Kind.WRITE;
    }
    for (String word : topLevel) {
      String w = word.toLowerCase(Locale.ROOT);
      if (w.equals("mutation") || w.equals("subscription")) {
        return Kind.WRITE;
      }
    }
    return Kind.QUERY;
  }

  /** Whether the document can be followed at all (balanced braces, terminated strings, not empty). */
  static boolean readable(String document) {
    return document != null && scan(document, null, null);
  }

  /** Whether the document selects a field whose name says it deletes (or cannot be read). */
  static boolean mayDelete(String document) {
    List<String> names = new ArrayList<>();
    if (!scan(document, null, names)) {
      return true;
    }
    return names.stream().anyMatch(n -> DELETING.matcher(n).matches());
  }

  /**
   * Walks the document once. Collects the names outside any selection set (the definitions' keywords and
   * names) into {@code topLevel} and every name into {@code all} (either may be null).
   *
   * @return false when the document is empty, a string or block string never ends, or braces do not balance
   */
  private static boolean scan(String doc, List<String> topLevel, List<String> all) {
    int depth = 0;
    boolean sawDefinition = false;
    int i = 0;
    int n = doc.length();
    while (i < n) {
      char c = doc.charAt(i);
      if (c == '#') {
        while (i < n && doc.charAt(i) != '\n' && doc.charAt(i) != '\r') {
          i++;
        }
      } else if (doc.startsWith("\"\"\"", i)) {
        int end = doc.indexOf("\"\"\"", i + 3);
        while (end > 0 && doc.charAt(end - 1) == '\\') { // an escaped \""" does not end a block string
          end = doc.indexOf("\"\"\"", end + 3);
        }
        if (end < 0) {
          return false;
        }
        i = end + 3;
      } else if (c == '"') {
        i++;
        while (i < n && doc.charAt(i) != '"') {
          if (doc.charAt(i) == '\n') {
            return false;
          }
          i += doc.charAt(i) == '\\' ? 2 : 1;
        }
        if (i >= n) {
          return false;
        }
        i++;
      } else if (c == '{') {
        depth++;
        sawDefinition = true;
        i++;
      } else if (c == '}') {
        if (--depth < 0) {
          return false;
        }
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < n && (Character.isLetterOrDigit(doc.charAt(i)) || doc.charAt(i) == '_')) {
          i++;
        }
        String word = doc.substring(start, i);
        if (depth == 0 && topLevel != null) {
          topLevel.add(word);
        }
        if (all != null) {
          all.add(word);
        }
      } else {
        i++;
      }
    }
    return depth == 0 && sawDefinition;
  }
}
