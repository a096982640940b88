package dev.gitlabmcp.gateway.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.TOKEN;
import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.instance;
import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.limits;
import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.unlimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.gitlabmcp.gateway.gitlab.GitLabReply.Failure;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What operators see of each instance (health, status view, metrics) and what a live reload does
 * to instances, their clients and the calls in flight.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@ExtendWith(VertxExtension.class)
@Timeout(30)
class InstanceRegistryOperationsTest {

  private static final String USER = "/api/v4/user";

  private static WireMockServer gitlab;
  private static WireMockServer otherGitlab;
  private GatewayMetrics metrics;

  @BeforeAll
  static void startGitLab() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
    otherGitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    otherGitlab.start();
  }

  @AfterAll
  static void stopGitLab() {
    gitlab.stop();
    otherGitlab.stop();
  }

  @BeforeEach
  void resetGitLab() {
    gitlab.resetAll();
    otherGitlab.resetAll();
  }

  @AfterEach
  void closeMetrics() {
    if (metrics != null) {
      metrics.close();
    }
  }

  private static void answer(WireMockServer server, String body, int delayMs) {
    server.stubFor(get(urlPathEqualTo(USER)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(body).withFixedDelay(delayMs)));
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  // ---- health

  @Test
  void should_report_an_instance_down_after_connection_failures_and_healthy_again_after_it_recovers(Vertx vertx) {
    gitlab.stubFor(get(urlPathEqualTo(USER)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    RegistryFixture registry = RegistryFixture.deploy(vertx,
        instance("corp", "Corp", gitlab.baseUrl(), unlimited(), 0));

    for (int i = 0; i < 3; i++) {
      assertEquals(Failure.CONNECTION, registry.call("corp", "/user").await().failure());
    }
    JsonObject down = registry.status().getJsonObject("corp");
    assertEquals("down", down.getString("status"));
    assertTrue(down.getString("lastError").startsWith("could not reach GitLab at localhost ("), down.encode());
    assertFalse(down.encode().contains(TOKEN));

    answer(gitlab, "{\"id\":1}", 0);
    assertEquals(200, registry.call("corp", "/user").await().status());
    assertEquals("degraded", registry.status().getJsonObject("corp").getString("status"),
        "one success after three failures");
    for (int i = 0; i < 10; i++) {
      assertEquals(200, registry.call("corp", "/user").await().status());
    }
    assertEquals("healthy", registry.status().getJsonObject("corp").getString("status"));
  }

  @Test
  void should_probe_idle_instances_and_count_any_http_answer_as_reachable(Vertx vertx) throws Exception {
    int port = closedPort();
    gitlab.stubFor(get(urlEqualTo("/api/v4/version")).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"401 Unauthorized\"}")));
    RegistryFixture registry = RegistryFixture.deploy(vertx, null, Duration.ofMillis(100),
        instance("corp", gitlab.baseUrl(), unlimited()), instance("lab", "http://127.0.0.1:" + port, unlimited()));

    registry.awaitStatus("lab", s -> s.getString("status").equals("down"), 10_000);
    gitlab.verify(getRequestedFor(urlEqualTo("/api/v4/version")).withHeader("PRIVATE-TOKEN", equalTo(TOKEN)));
    assertEquals("healthy", registry.status().getJsonObject("corp").getString("status"), "a 401 proves reachability");

    HttpServer lab = vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(404).end())
        .listen(port, "127.0.0.1").await();
    try {
      registry.awaitStatus("lab", s -> !s.getString("status").equals("down"), 10_000);
      registry.awaitStatus("lab", s -> s.getString("status").equals("healthy"), 15_000);
    } finally {
      lab.close().await();
    }
  }

  @Test
  void should_leave_version_and_edition_to_the_introspector_even_when_the_probe_sees_them(Vertx vertx)
      throws Exception {
    gitlab.stubFor(get(urlEqualTo("/api/v4/version")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"version\":\"17.5.1-pre\",\"revision\":\"abc\"}")));
    InstanceDirectory directory = new InstanceDirectory(List.of(instance("corp", gitlab.baseUrl(), unlimited())));
    RegistryFixture.deployWith(vertx, directory, Duration.ofMillis(100));

    long deadline = System.nanoTime() + 10_000_000_000L;
    while (gitlab.findAll(getRequestedFor(urlEqualTo("/api/v4/version"))).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(gitlab.findAll(getRequestedFor(urlEqualTo("/api/v4/version"))).isEmpty(), "the probe ran");
    // A "-pre" version says nothing about the edition: guessing would hide gitlab.com's paid tools.
    assertEquals(InstanceDirectory.Info.UNKNOWN, directory.info("corp"));
  }

  @Test
  void should_show_each_instance_in_the_status_view(Vertx vertx) {
    RegistryFixture registry = RegistryFixture.deploy(vertx,
        instance("corp", "Corp GitLab", gitlab.baseUrl(), limits(5, 10, 4, 8, 1000), 2),
        instance("com", gitlab.baseUrl() + "/gitlab", unlimited()));

    JsonObject status = registry.status();

    assertEquals(List.of("corp", "com"), List.copyOf(status.fieldNames()));
    JsonObject corp = status.getJsonObject("corp");
    assertEquals("Corp GitLab", corp.getString("label"));
    assertEquals(gitlab.baseUrl(), corp.getString("url"));
    assertEquals("healthy", corp.getString("status"));
    assertNull(corp.getString("lastError"));
    JsonObject limiter = corp.getJsonObject("limiter");
    assertEquals(0, limiter.getInteger("active"));
    assertEquals(0, limiter.getInteger("queued"));
    assertEquals(0, limiter.getLong("rejected"));
    assertEquals(10.0, limiter.getDouble("tokens"));
    assertEquals(gitlab.baseUrl() + "/gitlab", status.getJsonObject("com").getString("url"));
  }

  // ---- reload

  @Test
  void should_add_change_and_remove_instances_on_reload(Vertx vertx) {
    answer(gitlab, "{\"from\":\"first\"}", 0);
    answer(otherGitlab, "{\"from\":\"second\"}", 0);
    RegistryFixture registry = RegistryFixture.deploy(vertx,
        instance("corp", gitlab.baseUrl(), unlimited()), instance("old", gitlab.baseUrl(), unlimited()),
        instance("same", gitlab.baseUrl(), unlimited()));

    JsonObject summary = registry.reload(instance("corp", otherGitlab.baseUrl(), unlimited()),
        instance("same", gitlab.baseUrl(), unlimited()), instance("new", otherGitlab.baseUrl(), unlimited()));

    assertEquals(new JsonObject().put("added", new JsonArray().add("new")).put("changed", new JsonArray().add("corp"))
        .put("removed", new JsonArray().add("old")), summary);
    assertEquals("{\"from\":\"second\"}", registry.call("corp", "/user").await().body().toString());
    assertEquals("{\"from\":\"second\"}", registry.call("new", "/user").await().body().toString());
    assertEquals("{\"from\":\"first\"}", registry.call("same", "/user").await().body().toString());
    GitLabReply removed = registry.call("old", "/user").await();
    assertEquals(Failure.UNKNOWN_INSTANCE, removed.failure());
    assertEquals("GitLab instance 'old' was removed from the configuration; reconnect to another instance",
        removed.failureDetail());
    assertEquals(List.of("corp", "same", "new"), List.copyOf(registry.status().fieldNames()));
    GitLabReply never = registry.call("nope", "/user").await();
    assertEquals("GitLab instance 'nope' is not configured", never.failureDetail());
  }

  @Test
  void should_let_a_removed_instance_finish_its_call_in_flight_and_refuse_new_ones(Vertx vertx) throws Exception {
    answer(gitlab, "{\"id\":1}", 1000);
    RegistryFixture registry = RegistryFixture.deploy(vertx,
        instance("corp", gitlab.baseUrl(), limits(1000, 1000, 1, 10, 10_000)),
        instance("com", otherGitlab.baseUrl(), unlimited()));
    Future<GitLabReply> inFlight = registry.call("corp", "/user?n=1");
    Future<GitLabReply> queued = registry.call("corp", "/user?n=2");
    registry.awaitStatus("corp", s -> s.getJsonObject("limiter").getInteger("queued") == 1, 5000);

    JsonObject summary = registry.reload(instance("com", otherGitlab.baseUrl(), unlimited()));

    assertEquals(new JsonArray().add("corp"), summary.getJsonArray("removed"));
    String removedMessage = "GitLab instance 'corp' was removed from the configuration; reconnect to another instance";
    GitLabReply refusedQueued = queued.await();
    assertEquals(Failure.UNKNOWN_INSTANCE, refusedQueued.failure());
    assertEquals(removedMessage, refusedQueued.failureDetail());
    assertEquals(removedMessage, registry.call("corp", "/user?n=3").await().failureDetail());
    GitLabReply finished = inFlight.await();
    assertEquals(200, finished.status(), "the call in flight completes on the draining client");
    gitlab.verify(1, getRequestedFor(urlPathEqualTo(USER)));
  }

  @Test
  void should_apply_new_limits_in_place_and_drain_the_old_client_when_the_url_changes(Vertx vertx) throws Exception {
    answer(gitlab, "{\"from\":\"first\"}", 1000);
    answer(otherGitlab, "{\"from\":\"second\"}", 0);
    RegistryFixture registry = RegistryFixture.deploy(vertx,
        instance("corp", "Corp", gitlab.baseUrl(), limits(1000, 1000, 1, 0, 10_000), 2));
    Future<GitLabReply> inFlight = registry.call("corp", "/user?n=1");
    registry.awaitStatus("corp", s -> s.getJsonObject("limiter").getInteger("active") == 1, 5000);
    assertEquals(Failure.BUSY, registry.call("corp", "/user?n=2").await().failure(), "no queue: busy at once");

    // A queue now, and another GitLab URL: the call in flight keeps its slot and its old client.
    JsonObject summary = registry.reload(instance("corp", "Corp", otherGitlab.baseUrl(),
        limits(1000, 1000, 1, 5, 10_000), 2));
    assertEquals(new JsonArray().add("corp"), summary.getJsonArray("changed"));
    Future<GitLabReply> waiting = registry.call("corp", "/user?n=3");
    registry.awaitStatus("corp", s -> s.getJsonObject("limiter").getInteger("queued") == 1, 5000);

    assertEquals("{\"from\":\"first\"}", inFlight.await().body().toString());
    assertEquals("{\"from\":\"second\"}", waiting.await().body().toString());
    gitlab.verify(1, getRequestedFor(urlPathEqualTo(USER)));
    otherGitlab.verify(1, getRequestedFor(urlPathEqualTo(USER)));
  }

  // ---- metrics

  @Test
  void should_expose_per_instance_meters_labelled_gitlab_instance(Vertx vertx) throws Exception {
    metrics = GatewayMetrics.create();
    gitlab.stubFor(get(urlEqualTo(USER + "?n=missing")).willReturn(aResponse().withStatus(404).withBody("{}")));
    gitlab.stubFor(get(urlEqualTo(USER + "?n=ok")).willReturn(aResponse().withStatus(200).withBody("{}")));
    gitlab.stubFor(get(urlEqualTo(USER + "?n=slow")).willReturn(aResponse().withStatus(200).withBody("{}")
        .withFixedDelay(800)));
    gitlab.stubFor(get(urlEqualTo(USER + "?n=flaky")).willReturn(aResponse().withStatus(502).withBody("{}")));
    RegistryFixture registry = RegistryFixture.deploy(vertx, metrics, Duration.ofMinutes(10),
        instance("corp", "Corp", gitlab.baseUrl(), limits(1000, 1000, 1, 0, 1000), 1),
        instance("com", otherGitlab.baseUrl(), unlimited()));

    assertEquals(200, registry.call("corp", "/user?n=ok").await().status());
    assertEquals(404, registry.call("corp", "/user?n=missing").await().status());
    assertEquals(502, registry.call("corp", "/user?n=flaky").await().status()); // once retried
    Future<GitLabReply> slow = registry.call("corp", "/user?n=slow");
    registry.awaitStatus("corp", s -> s.getJsonObject("limiter").getInteger("active") == 1, 5000);
    String during = metrics.scrape();
    assertEquals(Failure.BUSY, registry.call("corp", "/user?n=ok").await().failure());
    assertEquals(200, slow.await().status());
    String scrape = metrics.scrape();

    assertLine(during, "gitlab_limiter_active{gitlab_instance=\"corp\"} 1.0");
    assertLine(scrape, "gitlab_requests_total{gitlab_instance=\"corp\",status=\"2xx\"} 2.0");
    assertLine(scrape, "gitlab_requests_total{gitlab_instance=\"corp\",status=\"4xx\"} 1.0");
    assertLine(scrape, "gitlab_requests_total{gitlab_instance=\"corp\",status=\"5xx\"} 1.0");
    assertLine(scrape, "gitlab_requests_total{gitlab_instance=\"corp\",status=\"failure\"} 0.0");
    assertLine(scrape, "gitlab_retries_total{gitlab_instance=\"corp\"} 1.0");
    assertLine(scrape, "gitlab_limiter_rejected_total{gitlab_instance=\"corp\",reason=\"queue_full\"} 1.0");
    assertLine(scrape, "gitlab_limiter_rejected_total{gitlab_instance=\"corp\",reason=\"queue_timeout\"} 0.0");
    assertLine(scrape, "gitlab_limiter_active{gitlab_instance=\"corp\"} 0.0");
    assertLine(scrape, "gitlab_limiter_queued{gitlab_instance=\"corp\"} 0.0");
    assertLine(scrape, "gitlab_instance_health{gitlab_instance=\"corp\"} 1.0");
    assertLine(scrape, "gitlab_request_duration_seconds_count{gitlab_instance=\"corp\"} 4");
    assertLine(scrape, "gitlab_limiter_wait_seconds_count{gitlab_instance=\"corp\"} 4");
    assertLine(scrape, "gitlab_request_duration_seconds_bucket{gitlab_instance=\"corp\",le=\"0.5\"} 3");
    assertLine(scrape, "gitlab_request_duration_seconds_bucket{gitlab_instance=\"corp\",le=\"+Inf\"} 4");
    assertLine(scrape, "gitlab_requests_total{gitlab_instance=\"com\",status=\"2xx\"} 0.0");
    assertFalse(Pattern.compile("[{,]instance=").matcher(scrape).find(), "the label is gitlab_instance, never instance");

    registry.reload(instance("com", otherGitlab.baseUrl(), unlimited()));
    String afterRemoval = metrics.scrape();
    assertFalse(afterRemoval.contains("gitlab_instance=\"corp\""), "a removed instance's series go");
    assertTrue(afterRemoval.contains("gitlab_instance=\"com\""));
  }

  private static void assertLine(String scrape, String line) {
    assertTrue(scrape.lines().anyMatch(line::equals), () -> "missing line '" + line + "' in:\n"
        + scrape.lines().filter(l -> l.startsWith("gitlab_")).reduce("", (a, b) -> a + b + "\n"));
  }
}
