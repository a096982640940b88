package dev.gitlabmcp.gateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A secret given directly, or in a file another setting names (a mounted Kubernetes or Docker secret). */
final class SecretFile {

  private SecretFile() {
  }

  /**
   * The secret: {@code direct}, or the trimmed content of the file at {@code path}; never both (a problem is
   * noted, and so is a file that cannot be read, naming the path but never the content).
   */
  static Secret either(Setting value, String direct, Setting file, String path, List<String> problems) {
    String d = direct == null ? "" : direct.trim();
    String p = path == null ? "" : path.trim();
    if (p.isEmpty()) {
      return new Secret(d);
    }
    if (!d.isEmpty()) {
      problems.add(value.envNames().get(0) + " and " + file.envNames().get(0) + " are both set: use one of them.");
      return Secret.NONE;
    }
    try {
      return new Secret(Files.readString(Path.of(p), StandardCharsets.UTF_8).trim());
    } catch (IOException | RuntimeException e) {
      problems.add(file.displayName() + " " + p + " cannot be read");
      return Secret.NONE;
    }
  }
}
