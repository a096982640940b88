package dev.gitlabmcp.gateway.cli;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The instances file as an editor sees it: a JSON or YAML document whose {@code instances} array gains or
 * loses an entry, written back atomically in the file's own format. Validation is the caller's: it runs the
 * edited document through the same loader as the gateway before {@link #write}.
 */
final class InstancesFile {

  /** What {@link #remove} did: {@code removed} false when no entry had the name; {@code newDefault} when the default went. */
  record Removal(boolean removed, List<String> names, String newDefault) {
  }

  private InstancesFile() {
  }

  /**
   * Appends an instance (its URL normalized as the loader would) and returns the entry. With
   * {@code makeDefault} every other entry loses its {@code default} flag.
   */
  static JsonObject add(JsonArray instances, String name, String url, String label, boolean makeDefault) {
    JsonObject entry = new JsonObject().put("name", name);
    URI normalized = GitLabConfig.normalizeUrl(url);
    entry.put("url", normalized != null ? normalized.toString() : url);
    if (label != null) {
      entry.put("label", label);
    }
    if (makeDefault) {
      instances.forEach(o -> {
        if (o instanceof JsonObject other) {
          other.remove("default");
        }
      });
      entry.put("default", true);
    }
    instances.add(entry);
    return entry;
  }

  /** Removes the entry named {@code name}; the names found say what there was when there is no such entry. */
  static Removal remove(JsonArray instances, String name) {
    int at = -1;
    List<String> names = new ArrayList<>();
    for (int i = 0; i < instances.size(); i++) {
      if (instances.getValue(i) instanceof JsonObject o && o.getValue("name") instanceof String n) {
        names.add(n);
        at = n.equals(name) ? i : at;
      }
    }
    if (at < 0) {
      return new Removal(false, names, null);
    }
    boolean wasDefault = Boolean.TRUE.equals(instances.getJsonObject(at).getValue("default"));
    instances.remove(at);
    String newDefault = wasDefault && !instances.isEmpty() && instances.getValue(0) instanceof JsonObject first
        ? String.valueOf(first.getValue("name")) : null;
    return new Removal(true, names, newDefault);
  }

  /** Writes {@code doc} as YAML or JSON after the file name; true when YAML comments were dropped. */
  static boolean write(Path target, JsonObject doc) throws IOException {
    boolean yaml = isYaml(target);
    boolean hadComments = yaml && Files.exists(target) && Files.readString(target).contains("#");
    writeAtomically(target, yaml ? yaml(doc) : prettyJson(doc) + "\n");
    return hadComments;
  }

  /**
   * A temporary file in the same directory, then a rename: a reader (the gateway's file watcher) sees the old
   * file or the new one, never half of it. The file keeps its permissions; a new one is world-readable (it
   * holds no secrets: those come from the environment).
   */
  static void writeAtomically(Path target, String text) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(tmp, Files.exists(target) ? Files.getPosixFilePermissions(target)
            : PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the default ACLs of the directory apply.
      }
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static boolean isYaml(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml");
  }

  /** JSON as people write it: 2-space indent, "key": value, short lists of plain values on one line. */
  static String prettyJson(Object value) {
    return prettyJson(value, "");
  }

  private static String prettyJson(Object value, String indent) {
    String inner = indent + "  ";
    if (value instanceof JsonObject o) {
      if (o.isEmpty()) {
        return "{}";
      }
      List<String> fields = new ArrayList<>();
      for (String k : o.fieldNames()) {
        fields.add(inner + Json.encode(k) + ": " + prettyJson(o.getValue(k), inner));
      }
      return "{\n" + String.join(",\n", fields) + "\n" + indent + "}";
    }
    if (value instanceof JsonArray a) {
      boolean plain = a.stream().noneMatch(v -> v instanceof JsonObject || v instanceof JsonArray
          || v instanceof Map || v instanceof List);
      if (plain) {
        return "[" + String.join(", ", a.stream().map(Json::encode).toList()) + "]";
      }
      List<String> items = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        items.add(inner + prettyJson(a.getValue(i), inner));
      }
      return "[\n" + String.join(",\n", items) + "\n" + indent + "]";
    }
    return Json.encode(value);
  }

  static String yaml(JsonObject doc) {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndent(2);
    o.setIndicatorIndent(2);
    o.setIndentWithIndicator(true);
    return new Yaml(o).dump(plain(doc));
  }

  private static Object plain(Object v) {
    if (v instanceof JsonObject o) {
      Map<String, Object> m = new LinkedHashMap<>();
      o.fieldNames().forEach(k -> m.put(k, plain(o.getValue(k))));
      return m;
    }
    if (v instanceof JsonArray a) {
      List<Object> l = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        l.add(plain(a.getValue(i)));
      }
      return l;
    }
    return v;
  }
}
