package dev.gitlabmcp.gateway.tools;

import java.util.List;

/** The tool catalog is broken: every problem, each naming its file and tool. */
public final class CatalogException extends RuntimeException {

  private final List<String> problems;

  public CatalogException(List<String> problems) {
    super("Invalid tool catalog:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
