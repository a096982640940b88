package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import java.util.List;

/** The complete set of configured instances, as sent to the registry on a reload. */
public record InstanceSet(List<GitLabConfig> instances) {

  public InstanceSet {
    instances = List.copyOf(instances);
  }
}
