package dev.gitlabmcp.gateway.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The size and dependency rules docs/architecture.md states, checked on the sources. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PackageStructureTest {

  private static final Path ROOT = Path.of("src/main/java/dev/gitlabmcp/gateway");
  private static final String BASE = "dev.gitlabmcp.gateway";

  /** Package -> the gateway packages its files import. */
  private static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> deps = new TreeMap<>();
    List<Path> files;
    try (var walk = Files.walk(ROOT)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    for (Path f : files) {
      String pkg = null;
      for (String line : Files.readAllLines(f)) {
        if (line.startsWith("package ")) {
          pkg = line.substring(8, line.indexOf(';')).trim();
          deps.computeIfAbsent(pkg, k -> new TreeSet<>());
        } else if (line.startsWith("import " + BASE + ".") && pkg != null) {
          String target = packageOf(line.substring(7, line.indexOf(';')).trim());
          if (!target.equals(pkg)) {
            deps.get(pkg).add(target);
          }
        }
      }
    }
    return deps;
  }

  /** "a.b.Type.Nested" -> "a.b": the segments before the first capitalised one. */
  static String packageOf(String imported) {
    List<String> parts = new ArrayList<>();
    for (String s : imported.split("\\.")) {
      if (!s.isEmpty() && Character.isUpperCase(s.charAt(0))) {
        break;
      }
      parts.add(s);
    }
    return String.join(".", parts);
  }

  @Test
  void should_have_no_package_cycles() throws IOException {
    Map<String, Set<String>> deps = dependencies();
    List<String> cycles = new ArrayList<>();
    for (String start : deps.keySet()) {
      // A path from one of start's dependencies back to start is a cycle.
      Deque<List<String>> todo = new ArrayDeque<>();
      todo.push(List.of(start));
      Set<String> seen = new TreeSet<>();
      while (!todo.isEmpty()) {
        List<String> path = todo.pop();
        for (String next : deps.getOrDefault(path.get(path.size() - 1), Set.of())) {
          List<String> longer = new ArrayList<>(path);
          longer.add(next);
          if (next.equals(start)) {
            cycles.add(String.join(" -> ", longer));
          } else if (seen.add(next)) {
            todo.push(longer);
          }
        }
      }
    }
    assertEquals(List.of(), cycles, "package cycles");
  }

  @Test
  void should_keep_ops_a_leaf_that_imports_no_other_gateway_package() throws IOException {
    Map<String, Set<String>> deps = dependencies();
    for (Map.Entry<String, Set<String>> e : deps.entrySet()) {
      if (e.getKey().equals(BASE + ".ops") || e.getKey().startsWith(BASE + ".ops.")) {
        assertTrue(e.getValue().stream().allMatch(d -> d.startsWith(BASE + ".ops")), e.getKey() + " imports "
            + e.getValue());
      }
    }
  }

  @Test
  void should_keep_every_main_file_under_500_lines_and_the_http_verticle_under_250() throws IOException {
    Map<String, Integer> tooLong = new HashMap<>();
    try (var walk = Files.walk(ROOT)) {
      for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
        int lines = Files.readAllLines(f).size();
        int max = f.getFileName().toString().equals("McpHttpVerticle.java") ? 250 : 500;
        if (lines > max) {
          tooLong.put(ROOT.relativize(f).toString(), lines);
        }
      }
    }
    assertEquals(Map.of(), tooLong);
  }
}
