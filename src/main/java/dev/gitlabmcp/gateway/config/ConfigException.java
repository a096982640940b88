package dev.gitlabmcp.gateway.config;

import java.util.List;

/** Configuration is invalid: carries every problem found, so the user fixes them in one go. */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super("Invalid configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
