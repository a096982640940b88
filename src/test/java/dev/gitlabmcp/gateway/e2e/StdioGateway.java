package dev.gitlabmcp.gateway.e2e;

import dev.gitlabmcp.gateway.testing.TestGateway;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How to start the real gateway as an stdio child process, the way a desktop MCP host does:
 * {@code java -cp <runtime classpath> dev.gitlabmcp.gateway.Main stdio}. The packaged jar only
 * exists after {@code package}, which runs after the tests, so the same classes are run from the
 * test JVM's classpath instead.
 */
final class StdioGateway {

  static final String MAIN = "dev.gitlabmcp.gateway.Main";

  private StdioGateway() {
  }

  /** The command line, as the host would configure it. */
  static List<String> command() {
    return List.of(javaBinary(), "-XX:TieredStopAtLevel=1", "-cp", runtimeClasspath(), MAIN, "stdio");
  }

  /** The environment a host passes: only what it was told to, no GITLAB_* from our own environment. */
  static Map<String, String> environment(String gitlabUrl) {
    Map<String, String> env = new LinkedHashMap<>();
    String path = System.getenv("PATH");
    if (path != null) {
      env.put("PATH", path);
    }
    env.put("HOME", System.getProperty("java.io.tmpdir"));
    env.put("GITLAB_API_URL", gitlabUrl);
    env.put("GITLAB_PERSONAL_ACCESS_TOKEN", TestGateway.GITLAB_TOKEN);
    return env;
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * The test JVM's classpath without the test classes: the child then runs with the production
   * logback.xml (not logback-test.xml), as the packaged jar would.
   */
  private static String runtimeClasspath() {
    String cp = System.getProperty("java.class.path");
    String runtime = Arrays.stream(cp.split(File.pathSeparator))
        .filter(entry -> !Path.of(entry).endsWith(Path.of("target", "test-classes")))
        .collect(Collectors.joining(File.pathSeparator));
    if (!runtime.contains(Path.of("target", "classes").toString())) {
      throw new IllegalStateException("the test classpath does not hold target/classes: " + cp);
    }
    return runtime;
  }
}
