package dev.gitlabmcp.gateway.tools;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fits the JSON of a result's {@code structuredContent} into the character budget of its text, keeping its
 * shape. Long texts are cut (each ends saying how long it was); a top-level field the output schema does not
 * require is left out only when cutting texts cannot make the rest fit, the field with the most that cannot be
 * cut first. The cut length is found by a binary search, each step a sum over the object's texts.
 */
final class JsonBudget {

  private JsonBudget() {
  }

  /**
   * @param value the fitted object (the same instance, changed in place), or null when it cannot fit
   * @param textsCut how many strings were shortened
   * @param omitted top-level fields left out
   */
  record Fitted(JsonObject value, int textsCut, List<String> omitted) {

    /** Nothing was cut or left out: {@code value} encodes to what it encoded to before. */
    boolean whole() {
      return textsCut == 0 && omitted.isEmpty();
    }

    /** What the text tells the model about the structured part; empty when it is whole. */
    String note(int maxChars) {
      if (value == null) {
        return "\n[structuredContent omitted: it does not fit the " + maxChars + "-character budget of this answer "
            + "even shortened; this text is the answer.]";
      }
      if (whole()) {
        return "";
      }
      return "\n[structuredContent is shortened to the same " + maxChars + "-character budget:"
          + (textsCut > 0 ? " " + textsCut + " long text(s) cut, each ending with how long it was" : "")
          + (textsCut > 0 && !omitted.isEmpty() ? ";" : "")
          + (omitted.isEmpty() ? "" : " fields left out: " + String.join(", ", omitted)) + ".]";
    }
  }

  /** One string inside the object, by its container and key or index. */
  private record Text(Object container, Object at, int length) {
  }

  /**
   * A top-level field: its encoded size ({@code "key":value,}) and what cutting all its texts could save.
   */
  private record Field(String key, long size, long cuttable, List<Text> texts) {

    long uncuttable() {
      return size - cuttable;
    }
  }

  /**
   * @param encoded {@code o.encode()} when the caller has it, else null
   * @param required top-level fields that must stay (the output schema's {@code required})
   */
  static Fitted fit(JsonObject o, String encoded, int maxChars, Set<String> required) {
    long excess = (encoded != null ? encoded : o.encode()).length() - (long) maxChars;
    if (excess <= 0) {
      return new Fitted(o, 0, List.of());
    }
    List<Field> fields = new ArrayList<>();
    long cuttable = 0;
    for (Map.Entry<String, Object> e : o) {
      List<Text> texts = new ArrayList<>();
      add(o, e.getKey(), e.getValue(), texts);
      Field f = new Field(e.getKey(), Json.encode(e.getKey()).length() + 2L + Json.encode(e.getValue()).length(),
          savings(texts, 0), texts);
      fields.add(f);
      cuttable += f.cuttable();
    }
    // Leave out what cutting cannot shrink, most first, until cutting texts can cover the rest.
    List<Field> optional = new ArrayList<>(fields.stream().filter(f -> !required.contains(f.key())).toList());
    optional.sort(Comparator.comparingLong(Field::uncuttable).reversed());
    List<String> omitted = new ArrayList<>();
    for (Field f : optional) {
      if (cuttable >= excess) {
        break;
      }
      o.remove(f.key());
      fields.remove(f);
      omitted.add(f.key());
      excess -= f.size();
      cuttable -= f.cuttable();
    }
    if (cuttable < excess) {
      return new Fitted(null, 0, omitted);
    }
    int cut = excess > 0 ? cutTexts(fields, excess) : 0;
    // The sizes above count a comma per field: check the real encoding.
    return o.encode().length() <= maxChars ? new Fitted(o, cut, omitted) : new Fitted(null, cut, omitted);
  }

  private static int cutTexts(List<Field> fields, long excess) {
    List<Text> texts = new ArrayList<>();
    for (Field f : fields) {
      texts.addAll(f.texts());
    }
    int cap = cap(texts, excess);
    int cut = 0;
    for (Text t : texts) {
      if (saving(t.length(), cap) > 0) {
        cut(t, cap);
        cut++;
      }
    }
    return cut;
  }

  private static void collect(Object v, List<Text> into) {
    if (v instanceof JsonObject jo) {
      for (Map.Entry<String, Object> e : jo) {
        add(jo, e.getKey(), e.getValue(), into);
      }
    } else if (v instanceof JsonArray ja) {
      for (int i = 0; i < ja.size(); i++) {
        add(ja, i, ja.getValue(i), into);
      }
    }
  }

  private static void add(Object container, Object at, Object value, List<Text> into) {
    if (value instanceof String s) {
      into.add(new Text(container, at, s.length()));
    } else {
      collect(value, into);
    }
  }

  /**
   * The largest length every text can keep so that the cuts save at least {@code excess} characters (0 when
   * even that does not). Raw lengths undercount what escaping adds, so the saving in encoded characters is at
   * least this.
   */
  private static int cap(List<Text> texts, long excess) {
    int lo = 0;
    int hi = texts.stream().mapToInt(Text::length).max().orElse(0);
    while (lo < hi) {
      int mid = lo + (hi - lo + 1) / 2;
      if (savings(texts, mid) >= excess) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private static long savings(List<Text> texts, int cap) {
    long saved = 0;
    for (Text t : texts) {
      saved += Math.max(0, saving(t.length(), cap));
    }
    return saved;
  }

  private static long saving(int length, int cap) {
    return length - cap - (long) marker(cap, length).length();
  }

  private static String marker(int kept, int length) {
    return "...[cut: " + kept + " of " + length + " characters]";
  }

  private static void cut(Text t, int cap) {
    String s = t.container() instanceof JsonObject jo ? jo.getString((String) t.at())
        : ((JsonArray) t.container()).getString((Integer) t.at());
    int keep = cap > 0 && Character.isHighSurrogate(s.charAt(cap - 1)) ? cap - 1 : cap;
    String shorter = s.substring(0, keep) + marker(keep, s.length());
    if (t.container() instanceof JsonObject jo) {
      jo.put((String) t.at(), shorter);
    } else {
      ((JsonArray) t.container()).set((Integer) t.at(), shorter);
    }
  }
}
