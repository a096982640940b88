package dev.gitlabmcp.gateway.cli;

import dev.gitlabmcp.gateway.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@link ConfigOptions} plus {@code --instances}, for the commands that run or check the gateway. */
public class RunOptions extends ConfigOptions {

  @Option(names = "--instances", paramLabel = "FILE",
      description = "GitLab instances file, JSON or YAML (GITLAB_INSTANCES_FILE; default: conf/instances.json if present).")
  Path instances;

  @Override
  Map<String, String> flags() {
    Map<String, String> f = super.flags();
    if (instances != null) {
      f.put(Settings.INSTANCES_FILE.key(), instances.toString());
    }
    return f;
  }
}
