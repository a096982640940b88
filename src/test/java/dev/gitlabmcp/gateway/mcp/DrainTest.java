package dev.gitlabmcp.gateway.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** SIGTERM: new requests go elsewhere, running calls finish, streams close with a reconnect hint. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DrainTest {

  private static WireMockServer gitlab;

  @BeforeAll
  static void start() {
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    gitlab.start();
  }

  @AfterAll
  static void stop() {
    gitlab.stop();
  }

  @Test
  void should_finish_running_calls_refuse_new_ones_and_close_streams_when_stopping() throws Exception {
    gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/slow%2Fone")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":1,\"name\":\"slow\"}").withFixedDelay(1500)));
    TestGateway gw = TestGateway.start(gitlab.baseUrl(), Map.of("server.drainSeconds", "30"));
    RawMcp mcp = new RawMcp(gw.mcpUrl());
    String s = mcp.initialize();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // The response arrives with its headers: the stream is open before the gateway stops.
    HttpResponse<java.util.stream.Stream<String>> open = http.send(HttpRequest.newBuilder(URI.create(gw.mcpUrl()))
        .GET().header("Accept", "text/event-stream").header("Mcp-Session-Id", s).build(),
        HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, open.statusCode());
    CompletableFuture<String> stream = CompletableFuture.supplyAsync(
        () -> String.join("\n", open.body().toList()));
    CompletableFuture<JsonObject> call = CompletableFuture.supplyAsync(() -> mcp.fresh().callTool(s, "get_project",
        new JsonObject().put("project_id", "slow/one")));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (gitlab.findAll(getRequestedFor(urlPathEqualTo("/api/v4/projects/slow%2Fone"))).isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }

    Future<Void> stopped = gw.running().close();

    HttpResponse<String> refused = mcp.fresh().post(RawMcp.postHeaders(s), "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}");
    assertEquals(503, refused.statusCode(), refused.body());
    assertTrue(refused.headers().firstValue("Retry-After").isPresent());
    assertEquals(503, new RawMcp(gw.baseUrl() + "/health/ready").send("GET", Map.of(), null).statusCode(),
        "a stopping replica is not ready");
    JsonObject answer = call.get(30, TimeUnit.SECONDS);
    assertFalse(RawMcp.isError(answer), "the running call finished: " + answer.encode());
    assertTrue(RawMcp.text(answer).contains("slow"));
    String closed = stream.get(30, TimeUnit.SECONDS);
    assertTrue(closed.contains("retry: " + StreamHandler.RECONNECT_AFTER_DRAIN_MS), closed);
    stopped.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
