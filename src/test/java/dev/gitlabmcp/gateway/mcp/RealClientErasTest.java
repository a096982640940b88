package dev.gitlabmcp.gateway.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.gitlabmcp.gateway.testing.NodeHarness;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official TypeScript clients on one /mcp: the v2 client negotiating 2026-07-28 (auto, and pinned) and
 * the 1.32 client with a 2025 session, each listing tools and reading a project from GitLab.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RealClientErasTest {

  @RegisterExtension
  static final WireMockExtension GITLAB = WireMockExtension.newInstance()
      .options(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")).build();
  private static TestGateway gateway;

  @BeforeAll
  static void startGateway() {
    gateway = TestGateway.start(GITLAB.getRuntimeInfo().getHttpBaseUrl());
  }

  @AfterAll
  static void stopGateway() {
    gateway.close();
  }

  /** Runs the clients in src/test/js/eras.mjs; one result object per client, by name. */
  private static Map<String, JsonObject> run(String... clients) {
    GITLAB.stubFor(get(urlPathEqualTo("/api/v4/projects/4242")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\":4242,\"name\":\"Orbital Launcher\",\"path_with_namespace\":\"space/orbital-launcher\"}")));
    List<String> args = new java.util.ArrayList<>(List.of(gateway.mcpUrl(), "4242"));
    args.addAll(List.of(clients));
    NodeHarness.Result r = NodeHarness.run("eras.mjs", args, Map.of(), 180);
    assertTrue(r.ok(), r.toString());
    Map<String, JsonObject> out = new LinkedHashMap<>();
    r.stdout().lines().filter(l -> l.startsWith("{")).map(JsonObject::new).forEach(o -> out.put(o.getString("client"),
        o));
    assertEquals(clients.length, out.size(), r.toString());
    return out;
  }

  private static void assertReadTheProject(JsonObject client) {
    assertTrue(client.getBoolean("listsGetProject"), client.encode());
    assertFalse(client.getBoolean("isError"), client.encode());
    assertTrue(client.getString("text").contains("Orbital Launcher"), client.encode());
  }

  @Test
  void should_serve_the_v2_client_statelessly_whether_it_negotiates_or_pins_2026_07_28() {
    Map<String, JsonObject> results = run("v2-auto", "v2-pinned");
    for (JsonObject client : results.values()) {
      assertEquals("modern", client.getString("era"), client.encode());
      assertEquals("2026-07-28", client.getString("version"), client.encode());
      assertNull(client.getValue("sessionId"), "no session in this era: " + client.encode());
      assertReadTheProject(client);
      assertEquals(new JsonObject().put("toolsListChanged", true), client.getJsonObject("honoured"),
          client.encode());
    }
    GITLAB.verify(2, getRequestedFor(urlPathEqualTo("/api/v4/projects/4242")));
  }

  @Test
  void should_tell_a_listening_v2_client_that_tools_changed_when_the_operator_edits_the_instances_file(
      @TempDir Path dir) throws Exception {
    Path file = dir.resolve("instances.json");
    String url = GITLAB.getRuntimeInfo().getHttpBaseUrl();
    Files.writeString(file, "{\"instances\":[{\"name\":\"corp\",\"url\":\"" + url + "\"}]}");
    String next = "{\"instances\":[{\"name\":\"corp\",\"url\":\"" + url + "\"},{\"name\":\"lab\",\"url\":\""
        + url + "\"}]}";
    try (TestGateway gw = TestGateway.start("http://127.0.0.1:9", Map.of("gitlab.instancesFile", file.toString(),
        "gitlab.instancesReloadSeconds", "1"))) {
      NodeHarness.Result r = NodeHarness.run("eras.mjs", List.of(gw.mcpUrl(), "1", "v2-listen"),
          Map.of("INSTANCES_FILE", file.toString(), "INSTANCES_NEXT", next), 180);
      assertTrue(r.ok(), r.toString());
      JsonObject client = new JsonObject(r.stdout().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
      assertEquals("modern", client.getString("era"), client.encode());
      assertTrue(client.getBoolean("changed"), client.encode());
      assertTrue(client.getInteger("tools") > 0, "the client refetched the list: " + client.encode());
    }
  }

  @Test
  void should_serve_the_1_32_client_with_a_session() {
    JsonObject client = run("v1").get("v1");
    assertEquals("2025-11-25", client.getString("version"), client.encode());
    assertTrue(client.getString("sessionId") != null && !client.getString("sessionId").isEmpty(), client.encode());
    assertReadTheProject(client);
  }
}
