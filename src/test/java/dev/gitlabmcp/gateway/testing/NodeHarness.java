package dev.gitlabmcp.gateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Node scripts under {@code src/test/js} (real MCP clients: the TypeScript SDKs; a browser through
 * playwright-core) with Node 22 from npm, installed once into {@code .ci/.node-tests} (gitignored) and
 * reinstalled when {@code src/test/js/package.json} changes. Needs {@code npm} on the PATH (CI installs it).
 */
public final class NodeHarness {

  /** What a script printed and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
  }

  private static final Path SOURCES = Path.of("src/test/js").toAbsolutePath();
  private static final Path DIR = Path.of(".ci/.node-tests").toAbsolutePath();
  private static boolean installed;

  private NodeHarness() {
  }

  /** Installs the packages when missing or stale; returns the directory holding node_modules. */
  public static synchronized Path install() {
    if (installed) {
      return DIR;
    }
    try {
      Files.createDirectories(DIR);
      String wanted = Files.readString(SOURCES.resolve("package.json"));
      Path copy = DIR.resolve("package.json");
      boolean fresh = Files.exists(copy) && Files.readString(copy).equals(wanted)
          && Files.exists(DIR.resolve("node_modules/node/bin/node"))
          && Files.exists(DIR.resolve(".installed"));
      if (!fresh) {
        Files.deleteIfExists(DIR.resolve(".installed"));
        Files.writeString(copy, wanted);
        Result r = exec(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), DIR, Map.of(), 600);
        if (!r.ok()) {
          throw new IllegalStateException("npm install failed in " + DIR + ": " + r);
        }
        Files.writeString(DIR.resolve(".installed"), wanted);
      }
      installed = true;
      return DIR;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The Node 22 binary installed from npm. */
  public static Path node() {
    return install().resolve("node_modules/node/bin/node");
  }

  /**
   * Runs {@code src/test/js/<script>} with the given arguments and extra environment; packages resolve
   * from the installed node_modules (NODE_PATH does not apply to ES modules, so the script is copied next
   * to them first).
   */
  public static Result run(String script, List<String> args, Map<String, String> env, long timeoutSeconds) {
    Path dir = install();
    try {
      Path copy = dir.resolve(script);
      Files.createDirectories(copy.getParent());
      Files.copy(SOURCES.resolve(script), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      List<String> cmd = new ArrayList<>();
      cmd.add(node().toString());
      cmd.add(copy.toString());
      cmd.addAll(args);
      return exec(cmd, dir, env, timeoutSeconds);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Result exec(List<String> cmd, Path dir, Map<String, String> env, long timeoutSeconds)
      throws IOException {
    Path out = Files.createTempFile("node-out", ".txt");
    Path err = Files.createTempFile("node-err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return new Result(-1, Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8) + "\n(timed out after " + timeoutSeconds + " s)");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException(e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
