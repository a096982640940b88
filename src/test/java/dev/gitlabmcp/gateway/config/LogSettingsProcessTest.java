package dev.gitlabmcp.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LOG_FORMAT and LOG_LEVEL as a user sets them, in a real process: logback is configured once per JVM, so only a
 * fresh one shows what an operator sees. The case that broke: conf/instances.json in the working directory.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LogSettingsProcessTest {

  @TempDir
  Path workDir;

  @Test
  void should_log_json_at_debug_level_when_conf_instances_json_exists() throws Exception {
    Files.createDirectories(workDir.resolve("conf"));
    Files.writeString(workDir.resolve("conf/instances.json"),
        "{\"instances\": [{\"name\": \"corp\", \"url\": \"http://127.0.0.1:9\"}]}");

    List<String> lines = stdioLogLines();

    assertFalse(lines.isEmpty(), "the gateway logged nothing");
    for (String line : lines) {
      assertTrue(line.startsWith("{"), "not a JSON line: " + line + "\nall: " + lines);
      new JsonObject(line); // fails on anything but one JSON object
    }
    assertTrue(lines.stream().map(JsonObject::new).anyMatch(j -> "DEBUG".equals(j.getString("level"))),
        "no DEBUG line: " + lines);
  }

  /** Starts `stdio` in the working directory, closes its stdin at once and returns what it wrote to stderr. */
  private List<String> stdioLogLines() throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(java(), "-XX:TieredStopAtLevel=1", "-cp", runtimeClasspath(),
        "dev.gitlabmcp.gateway.Main", "stdio").directory(workDir.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pb.environment().put("HOME", workDir.toString());
    pb.environment().put("LOG_FORMAT", "json");
    pb.environment().put("LOG_LEVEL", "debug");
    pb.environment().put("GITLAB_BACKGROUND_CHECKS", "false");
    pb.redirectOutput(workDir.resolve("stdout.txt").toFile());
    pb.redirectError(workDir.resolve("stderr.txt").toFile());
    Process p = pb.start();
    p.getOutputStream().close(); // end of input: the gateway stops after starting
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    assertEquals(0, p.exitValue(), Files.readString(workDir.resolve("stderr.txt")));
    return Files.readAllLines(workDir.resolve("stderr.txt"), StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank()).toList();
  }

  private static String java() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The test classpath without the test classes, so the child reads the production logback.xml. */
  private static String runtimeClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !Path.of(entry).endsWith(Path.of("target", "test-classes")))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
