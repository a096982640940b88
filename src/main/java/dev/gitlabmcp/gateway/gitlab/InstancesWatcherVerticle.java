package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.core.Addresses;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.InstancesConfig;
import dev.gitlabmcp.gateway.config.InstancesLoader;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.file.FileProps;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload of the instances file: checks it every few seconds and, when it changed and is valid,
 * installs the new set (the shared directory first, then the registry's clients). An invalid file is
 * rejected with every problem logged and counted; the running configuration stays.
 */
public final class InstancesWatcherVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(InstancesWatcherVerticle.class);

  private final InstancesConfig config;
  private final InstanceDirectory directory;
  private final Counter applied;
  private final Counter rejected;
  private long timer = -1;
  private String lastSeen;
  private boolean checking;

  public InstancesWatcherVerticle(InstancesConfig config, InstanceDirectory directory, GatewayMetrics metrics) {
    this.config = config;
    this.directory = directory;
    this.applied = metrics == null ? null : Counter.builder("gitlab_instances_reloads")
        .description("Reloads of the instances file, by result").tag("result", "applied").register(metrics.registry());
    this.rejected = metrics == null ? null : Counter.builder("gitlab_instances_reloads")
        .description("Reloads of the instances file, by result").tag("result", "rejected").register(metrics.registry());
  }

  @Override
  public Future<?> start() {
    return stamp().map(s -> {
      lastSeen = s;
      timer = vertx.setPeriodic(config.reloadSeconds() * 1000L, t -> check());
      LOG.info("instances_watch file={} every={}s", config.file(), config.reloadSeconds());
      return s;
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** Modification time and size: enough to notice an edit without reading the file every time. */
  private Future<String> stamp() {
    return vertx.fileSystem().props(config.file().toString())
        .map((FileProps p) -> p.lastModifiedTime() + ":" + p.size())
        .otherwise(err -> "missing");
  }

  private void check() {
    if (checking) {
      return;
    }
    checking = true;
    stamp().compose(s -> {
      if (s.equals(lastSeen)) {
        return Future.succeededFuture();
      }
      lastSeen = s;
      return reload();
    }).onComplete(ar -> {
      checking = false;
      if (ar.failed()) {
        LOG.warn("instances_reload_failed file={} error={}", config.file(), ar.cause().getClass().getSimpleName());
      }
    });
  }

  /** Reads and validates off the event loop (file reads, CA file checks), then applies on it. */
  Future<Void> reload() {
    return vertx.executeBlocking(() -> {
      List<String> problems = new ArrayList<>();
      JsonObject doc = InstancesLoader.readFile(config.file(), problems);
      if (doc == null) {
        return new InstancesLoader.Loaded(List.of(), InstancesLoader.Source.FILE, config.origin(), problems);
      }
      return InstancesLoader.fromDocument(doc, config.base(), config.env(), InstancesLoader.Source.FILE,
          config.origin());
    }, false).compose(this::apply);
  }

  private Future<Void> apply(InstancesLoader.Loaded loaded) {
    if (!loaded.problems().isEmpty()) {
      if (rejected != null) {
        rejected.increment();
      }
      LOG.error("instances_reload_rejected file={} problems={}: the running configuration is kept", config.file(),
          loaded.problems().size());
      loaded.problems().forEach(p -> LOG.error("instances_reload_problem file={} problem=\"{}\"", config.file(), p));
      return Future.succeededFuture();
    }
    List<GitLabConfig> current = List.copyOf(directory.all());
    if (current.equals(loaded.instances())) {
      return Future.succeededFuture();
    }
    // The registry first: a new instance can take calls by the time sessions can name it.
    return vertx.eventBus().<JsonObject>request(Addresses.INSTANCES_RELOAD, new InstanceSet(loaded.instances()))
        .map(reply -> {
          directory.replace(loaded.instances());
          if (applied != null) {
            applied.increment();
          }
          LOG.info("instances_reloaded file={} instances={} changes={}", config.file(),
              loaded.instances().stream().map(GitLabConfig::name).toList(), reply.body().encode());
          return (Void) null;
        });
  }
}
