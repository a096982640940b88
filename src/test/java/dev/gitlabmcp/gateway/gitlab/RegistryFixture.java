package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.core.Addresses;
import dev.gitlabmcp.gateway.core.LocalCodec;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.OAuthClientConfig;
import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** Deploys the registry verticle and talks to it over the event bus, as the MCP side does. */
final class RegistryFixture {

  static final String TOKEN = "glpat-registry-test-0123456789";
  static final Credential CREDENTIAL = Credential.privateToken(new Secret(TOKEN));
  private static final DeliveryOptions WAIT = new DeliveryOptions().setSendTimeout(30_000);

  final Vertx vertx;

  private RegistryFixture(Vertx vertx) {
    this.vertx = vertx;
  }

  /** An instance with test-friendly HTTP settings and the given limits. */
  static GitLabConfig instance(String name, String label, String url, RateLimitConfig limits, int maxRetries) {
    return new GitLabConfig(name, URI.create(url), new Secret(TOKEN), true, false, 8, 60, 1000, 5000, 1024 * 1024,
        maxRetries, label, false, "", false, "", List.of(), OAuthClientConfig.NONE, limits);
  }

  static GitLabConfig instance(String name, String url, RateLimitConfig limits) {
    return instance(name, name, url, limits, 2);
  }

  /** Requests per second, burst, maxConcurrent, queueSize, queueTimeoutMs. */
  static RateLimitConfig limits(double rps, int burst, int maxConcurrent, int queueSize, int queueTimeoutMs) {
    return new RateLimitConfig(rps, burst, maxConcurrent, queueSize, queueTimeoutMs);
  }

  static RateLimitConfig unlimited() {
    return limits(10_000, 10_000, 1_000, 1_000, 10_000);
  }

  static RegistryFixture deploy(Vertx vertx, GatewayMetrics metrics, Duration probeInterval, GitLabConfig... configs) {
    return deploy(vertx, new InstanceDirectory(List.of(configs)), metrics, probeInterval, null);
  }

  static RegistryFixture deployWith(Vertx vertx, InstanceDirectory directory, Duration probeInterval) {
    return deploy(vertx, directory, null, probeInterval, null);
  }

  /** A registry whose limiters, health and retry waits run on the test's clock. */
  static RegistryFixture deploy(Vertx vertx, Ticker ticker, GitLabConfig... configs) {
    return deploy(vertx, new InstanceDirectory(List.of(configs)), null, Duration.ofMinutes(10), ticker);
  }

  private static RegistryFixture deploy(Vertx vertx, InstanceDirectory directory, GatewayMetrics metrics,
                                        Duration probeInterval, Ticker ticker) {
    LocalCodec.register(vertx, GitLabCall.class);
    LocalCodec.register(vertx, GitLabReply.class);
    LocalCodec.register(vertx, InstanceSet.class);
    vertx.deployVerticle(new InstanceRegistryVerticle(directory, metrics, probeInterval, ticker)).await();
    return new RegistryFixture(vertx);
  }

  static RegistryFixture deploy(Vertx vertx, GitLabConfig... configs) {
    return deploy(vertx, null, Duration.ofMinutes(10), configs);
  }

  Future<GitLabReply> call(String instance, String path) {
    return call(instance, path, null);
  }

  Future<GitLabReply> call(String instance, String path, String callId) {
    return call(instance, path, callId, CREDENTIAL);
  }

  /** A call as the holder of that credential. */
  Future<GitLabReply> call(String instance, String path, String callId, Credential credential) {
    GitLabCall call = new GitLabCall(callId, instance, HttpMethod.GET, path, null, credential, true);
    return vertx.eventBus().<GitLabReply>request(Addresses.GITLAB_CALL, call, WAIT).map(Message::body);
  }

  void cancel(String callId) {
    vertx.eventBus().send(Addresses.GITLAB_CANCEL, callId);
  }

  JsonObject status() {
    return vertx.eventBus().<JsonObject>request(Addresses.INSTANCES_STATUS, new JsonObject()).map(Message::body)
        .await();
  }

  JsonObject reload(GitLabConfig... configs) {
    return vertx.eventBus().<JsonObject>request(Addresses.INSTANCES_RELOAD, new InstanceSet(List.of(configs)))
        .map(Message::body).await();
  }

  /** The instance's limiter as the status view shows it. */
  JsonObject limiter(String instance) {
    return status().getJsonObject(instance).getJsonObject("limiter");
  }

  /** Polls the status view until the instance's entry matches; fails after the timeout. */
  JsonObject awaitStatus(String instance, Predicate<JsonObject> condition, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = status().getJsonObject(instance);
      if (last != null && condition.test(last)) {
        return last;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("status of " + instance + " never matched; last: " + last);
  }

  static long msSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000L;
  }
}
