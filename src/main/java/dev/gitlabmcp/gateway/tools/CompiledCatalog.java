package dev.gitlabmcp.gateway.tools;

import dev.gitlabmcp.gateway.core.SafeYaml;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The catalog's YAML documents as the build compiled them into one JSON file ({@value #RESOURCE}), so that a start
 * parses JSON with Jackson instead of YAML with snakeyaml (about 200 ms of the start's CPU, most of it in the
 * interpreter). The documents are the same trees: {@link ToolCatalog} checks them exactly as it checks YAML.
 *
 * <p>The file carries a checksum of the YAML it was made from; when the YAML on the class path no longer matches
 * (a catalog file edited and run from an IDE without the build's {@code process-classes} step), the compiled
 * documents are ignored and the YAML is read, so an edit is never hidden by a stale compilation.
 */
public final class CompiledCatalog {

  static final String RESOURCE = "tools/catalog.json";

  private CompiledCatalog() {
  }

  /**
   * The documents by class-path name ({@code tools/_index.yaml}, {@code tools/branches.yaml}, ...), or null when
   * there is no compiled catalog, it cannot be read, or it no longer matches the YAML next to it.
   */
  static Map<String, Object> read(ClassLoader loader) {
    byte[] compiled = bytes(loader, RESOURCE);
    if (compiled == null) {
      return null;
    }
    try {
      Map<String, Object> top = ((JsonObject) Json.decodeValue(Buffer.buffer(compiled))).getMap();
      if (!(top.get("documents") instanceof Map<?, ?> docs) || !(top.get("sources") instanceof Number sum)) {
        return null;
      }
      Map<String, Object> documents = new LinkedHashMap<>();
      docs.forEach((k, v) -> documents.put(String.valueOf(k), v));
      Long now = checksum(loader, documents.keySet());
      return now != null && now == sum.longValue() ? documents : null;
    } catch (RuntimeException unreadable) {
      return null; // the YAML is still there
    }
  }

  /**
   * Build step ({@code process-classes}): reads the catalog's YAML from the class path, checks it as a start would
   * (the build fails on any problem) and writes {@value #RESOURCE} under the directory given as the argument.
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: CompiledCatalog <classes directory>");
    }
    ClassLoader loader = CompiledCatalog.class.getClassLoader();
    ToolCatalog.load(null, loader, ToolCatalog.INDEX, false); // throws CatalogException with every problem
    Path out = Path.of(args[0]).resolve(RESOURCE);
    Files.createDirectories(out.getParent());
    Files.writeString(out, compile(loader, ToolCatalog.INDEX), StandardCharsets.UTF_8);
  }

  /** The JSON of the catalog whose index is {@code indexPath}: its documents and the checksum of their YAML. */
  static String compile(ClassLoader loader, String indexPath) {
    Map<String, Object> documents = new LinkedHashMap<>();
    Map<?, ?> index = yaml(loader, indexPath);
    documents.put(indexPath, index);
    String dir = indexPath.contains("/") ? indexPath.substring(0, indexPath.lastIndexOf('/') + 1) : "";
    if (index.get("toolsets") instanceof List<?> files) {
      for (Object f : files) {
        documents.put(dir + f, yaml(loader, dir + f));
      }
    }
    documents.forEach((path, doc) -> plainJson(path, doc));
    Long sum = checksum(loader, documents.keySet());
    return new JsonObject().put("sources", sum).put("documents", documents).encode();
  }

  private static Map<?, ?> yaml(ClassLoader loader, String path) {
    byte[] b = bytes(loader, path);
    if (b == null) {
      throw new IllegalStateException(path + ": not found on the class path");
    }
    if (!(SafeYaml.load(new String(b, StandardCharsets.UTF_8), false) instanceof Map<?, ?> m)) {
      throw new IllegalStateException(path + ": must be a YAML mapping");
    }
    return m;
  }

  /** Refuses what JSON would not give back as it was: keys that are not strings, timestamps, binary, sets. */
  private static void plainJson(String where, Object v) {
    if (v instanceof Map<?, ?> m) {
      m.forEach((k, x) -> {
        if (!(k instanceof String)) {
          throw new IllegalStateException(where + ": key " + k + " is not a string; quote it in the YAML");
        }
        plainJson(where + "." + k, x);
      });
    } else if (v instanceof List<?> l) {
      l.forEach(x -> plainJson(where + "[]", x));
    } else if (!(v == null || v instanceof String || v instanceof Boolean || v instanceof Integer
        || v instanceof Long || v instanceof Double)) {
      throw new IllegalStateException(where + ": a " + v.getClass().getSimpleName()
          + " has no JSON form that reads back the same; quote it in the YAML");
    }
  }

  /** CRC-32 over each name and its bytes, in order; null when one is missing. */
  private static Long checksum(ClassLoader loader, Collection<String> paths) {
    CRC32 crc = new CRC32();
    for (String path : paths) {
      byte[] b = bytes(loader, path);
      if (b == null) {
        return null;
      }
      crc.update(path.getBytes(StandardCharsets.UTF_8));
      crc.update(0);
      crc.update(b);
    }
    return crc.getValue();
  }

  private static byte[] bytes(ClassLoader loader, String path) {
    try (InputStream in = loader.getResourceAsStream(path)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }
}
