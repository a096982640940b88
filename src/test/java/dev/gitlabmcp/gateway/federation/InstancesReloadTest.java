package dev.gitlabmcp.gateway.federation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator edits conf/instances.json while the gateway runs: changes apply, mistakes are refused. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class InstancesReloadTest {

  private static final String DETAIL_TOKEN = "health-detail-token-0123";
  private static WireMockServer corp;
  private static WireMockServer com;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    corp = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    com = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    corp.start();
    com.start();
    for (WireMockServer w : new WireMockServer[] {corp, com}) {
      w.stubFor(any(anyUrl()).willReturn(aResponse().withHeader("Content-Type", "application/json")
          .withBody("{\"id\":1,\"name\":\"" + (w == corp ? "corp" : "com") + "\"}")));
    }
  }

  @AfterAll
  static void stop() {
    corp.stop();
    com.stop();
  }

  private void write(Path file, String json) throws Exception {
    Path tmp = dir.resolve("next.tmp");
    Files.writeString(tmp, json);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Thread.sleep(100);
    }
  }

  private static String get(String url) {
    return get(url, null);
  }

  private static String get(String url, String authorization) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int initStatus(TestGateway gw, String instance) {
    return new RawMcp(gw.mcpUrl() + "/" + instance).post(RawMcp.postHeaders(), RawMcp.initializeBody("2025-11-25"))
        .statusCode();
  }

  @Test
  void should_add_an_instance_keep_running_on_a_broken_file_and_end_sessions_of_a_removed_instance() throws Exception {
    Path file = dir.resolve("instances.json");
    String corpOnly = "{\"instances\":[{\"name\":\"corp\",\"url\":\"" + corp.baseUrl() + "\"}]}";
    String both = "{\"instances\":[{\"name\":\"corp\",\"url\":\"" + corp.baseUrl() + "\"},{\"name\":\"gitlab-com\","
        + "\"url\":\"" + com.baseUrl() + "\",\"label\":\"GitLab.com\"}]}";
    write(file, corpOnly);
    try (TestGateway gw = TestGateway.start("http://127.0.0.1:9", Map.of("gitlab.instancesFile", file.toString(),
        "gitlab.instancesReloadSeconds", "1", "auth.healthDetailToken", DETAIL_TOKEN))) {
      RawMcp onCorp = new RawMcp(gw.mcpUrl() + "/corp");
      String corpSession = onCorp.initialize();
      assertEquals(404, initStatus(gw, "gitlab-com"));

      write(file, both);
      await(() -> initStatus(gw, "gitlab-com") == 200, "gitlab-com appears");
      RawMcp onCom = new RawMcp(gw.mcpUrl() + "/gitlab-com");
      String comSession = onCom.initialize();
      assertTrue(RawMcp.text(onCom.callTool(comSession, "get_project", new JsonObject().put("project_id", "a/b")))
          .contains("\"name\":\"com\""));

      write(file, "{\"instances\":[{\"name\":\"corp\",\"url\":\"ftp://nowhere\"}]}");
      await(() -> get(gw.baseUrl() + "/metrics").contains("gitlab_instances_reloads_total{result=\"rejected\"} 1.0"),
          "the broken file is counted as rejected");
      assertFalse(RawMcp.isError(onCom.callTool(comSession, "get_project", new JsonObject().put("project_id", "a/b"))),
          "the running configuration is kept");

      write(file, "{\"instances\":[{\"name\":\"gitlab-com\",\"url\":\"" + com.baseUrl() + "\"}]}");
      await(() -> initStatus(gw, "corp") == 404, "corp is removed");
      HttpResponse<String> viaPath = onCorp.post(RawMcp.postHeaders(corpSession),
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
      assertEquals(404, viaPath.statusCode());
      assertTrue(viaPath.body().contains("no GitLab instance 'corp'; configured: gitlab-com"), viaPath.body());
      HttpResponse<String> viaSession = new RawMcp(gw.mcpUrl()).post(RawMcp.postHeaders(corpSession),
          "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
      assertEquals(404, viaSession.statusCode());
      assertTrue(viaSession.body().contains("was removed from this gateway's configuration"), viaSession.body());

      JsonObject health = new JsonObject(get(gw.baseUrl() + "/health?detail=true", "Bearer " + DETAIL_TOKEN));
      assertEquals("healthy", health.getString("status"));
      assertEquals(1, health.getJsonObject("instances").size(), health.encode());
      assertTrue(health.getJsonObject("instances").containsKey("gitlab-com"));
      assertTrue(get(gw.baseUrl() + "/metrics").contains("gitlab_instances_reloads_total{result=\"applied\"} 2.0"));
    }
  }
}
