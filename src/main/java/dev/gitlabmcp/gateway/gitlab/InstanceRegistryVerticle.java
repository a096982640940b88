package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.Addresses;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one {@link GitLabClient} per configured GitLab instance. Everything here runs on this
 * verticle's event loop; other verticles reach it only through the event bus.
 */
public final class InstanceRegistryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(InstanceRegistryVerticle.class);

  private final List<GitLabConfig> instances;
  private final InstanceDirectory directory;
  private final GatewayMetrics metrics;
  private final Map<String, GitLabClient> clients = new LinkedHashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  public InstanceRegistryVerticle(List<GitLabConfig> instances) {
    this(new InstanceDirectory(instances), null);
  }

  /**
   * @param directory the shared view of the instances; the registry records what introspection learns there
   * @param metrics where per-instance meters go, or null (tests)
   */
  public InstanceRegistryVerticle(InstanceDirectory directory, GatewayMetrics metrics) {
    this.instances = List.copyOf(directory.all());
    this.directory = directory;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    for (GitLabConfig cfg : instances) {
      clients.put(cfg.name(), new GitLabClient(vertx, cfg));
      LOG.info("gitlab_instance name={} url={} http2={} h2c={} maxConnections={}", cfg.name(), cfg.baseUrl(),
          cfg.tls() && cfg.http2(), !cfg.tls() && cfg.h2c(), cfg.maxConnections());
    }
    var bus = vertx.eventBus();
    consumers.add(bus.<GitLabCall>localConsumer(Addresses.GITLAB_CALL, this::onCall));
    consumers.add(bus.<String>localConsumer(Addresses.GITLAB_CANCEL, this::onCancel));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return Future.join(clients.values().stream().map(GitLabClient::close).toList());
  }

  private void onCall(Message<GitLabCall> msg) {
    GitLabCall call = msg.body();
    GitLabClient client = clients.get(call.instance());
    if (client == null) {
      msg.reply(GitLabReply.failed(GitLabReply.Failure.UNKNOWN_INSTANCE,
          "GitLab instance '" + call.instance() + "' is not configured", 0, 0));
      return;
    }
    client.send(call).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        // send() completes its promise with a reply for every known failure; this is a bug guard.
        LOG.warn("gitlab_call_failed instance={} call=\"{}\" error={}", call.instance(), call,
            ar.cause().getClass().getSimpleName());
        msg.reply(GitLabReply.failed(GitLabReply.Failure.CONNECTION, "the GitLab call failed unexpectedly", 1, 0));
      }
    });
  }

  private void onCancel(Message<String> msg) {
    for (GitLabClient c : clients.values()) {
      c.cancel(msg.body());
    }
  }
}
