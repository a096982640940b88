package dev.gitlabmcp.gateway.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The GitLab instances the gateway started with, and what a reload needs to read them again.
 *
 * @param list the instances, one of them the default
 * @param source where they came from
 * @param origin the file path, GITLAB_INSTANCES or GITLAB_API_URL, for messages
 * @param file the instances file to watch, or null when they did not come from a file
 * @param reloadSeconds how often the file is checked (0: never)
 * @param base the gateway-wide GitLab settings every instance starts from
 * @param env the environment, for per-instance secrets on reload (never printed)
 */
public record InstancesConfig(List<GitLabConfig> list, InstancesLoader.Source source, String origin, Path file,
                              int reloadSeconds, GitLabConfig base, Map<String, String> env) {

  public InstancesConfig {
    list = List.copyOf(list);
    env = Map.copyOf(env);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("at least one instance");
    }
  }

  public GitLabConfig defaultInstance() {
    return list.stream().filter(GitLabConfig::isDefault).findFirst().orElse(list.get(0));
  }

  @Override
  public String toString() {
    return "InstancesConfig[" + list.stream().map(GitLabConfig::name).toList() + " from " + origin + "]";
  }
}
