package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What every verticle may read about the configured instances: their settings (swapped whole on a
 * reload) and what introspection learned (version, edition). Written rarely, read on every request,
 * so reads are a volatile read of an immutable map.
 */
public final class InstanceDirectory {

  /**
   * What the gateway learned about an instance.
   *
   * @param version GitLab's version, e.g. "17.5.1-ee", or null when unknown
   * @param enterprise true for Enterprise Edition (paid tiers possible), false for Community Edition, null when unknown
   * @param fetchedAtMillis when it was learned
   */
  public record Info(String version, Boolean enterprise, long fetchedAtMillis) {
    public static final Info UNKNOWN = new Info(null, null, 0);
  }

  private volatile Map<String, GitLabConfig> instances;
  private final Map<String, Info> info = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public InstanceDirectory(List<GitLabConfig> initial) {
    replace(initial);
  }

  /** Installs a new set (after a reload); what introspection knew of removed instances is dropped. */
  public void replace(List<GitLabConfig> next) {
    Map<String, GitLabConfig> m = new LinkedHashMap<>();
    for (GitLabConfig c : next) {
      m.put(c.name(), c);
    }
    instances = java.util.Collections.unmodifiableMap(m);
    info.keySet().retainAll(m.keySet());
    changed();
  }

  /**
   * Calls {@code listener} after every change that can change which tools an instance serves: a reload, or a
   * version or edition learned. It runs on the changing thread and must only hand the news on (e.g. to its
   * own event loop with {@code runOnContext}).
   *
   * @return removes the listener
   */
  public Runnable onChange(Runnable listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return () -> listeners.remove(listener);
  }

  private void changed() {
    listeners.forEach(Runnable::run);
  }

  public GitLabConfig get(String name) {
    return name == null ? null : instances.get(name);
  }

  public Collection<GitLabConfig> all() {
    return instances.values();
  }

  public GitLabConfig defaultInstance() {
    for (GitLabConfig c : instances.values()) {
      if (c.isDefault()) {
        return c;
      }
    }
    return instances.values().iterator().next();
  }

  /** The instance a session works with: the one it is bound to, or (unbound) the default one. */
  public String boundOrDefault(String bound) {
    return bound != null ? bound : defaultInstance().name();
  }

  public Info info(String name) {
    return info.getOrDefault(name, Info.UNKNOWN);
  }

  public void info(String name, Info i) {
    if (instances.containsKey(name)) {
      Info before = info.put(name, i);
      before = before == null ? Info.UNKNOWN : before;
      if (!Objects.equals(before.version(), i.version())
          || !Objects.equals(before.enterprise(), i.enterprise())) {
        changed();
      }
    }
  }
}
