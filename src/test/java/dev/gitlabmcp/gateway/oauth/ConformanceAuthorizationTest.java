package dev.gitlabmcp.gateway.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.testing.NodeHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.nio.file.Files;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The official conformance suite's authorization-server scenarios ({@code conformance authorization},
 * 0.2.0-alpha.12: metadata with the CIMD flag, and the authorization-code grant) against the whole gateway,
 * with a pre-registered public client and the consent page approved by src/test/js/oauth-conformance.mjs.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ConformanceAuthorizationTest {

  @Test
  void should_pass_the_authorization_server_scenarios() throws Exception {
    int callbackPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      callbackPort = s.getLocalPort();
    }
    String clients = "[{\"client_id\":\"conformance\",\"client_name\":\"MCP conformance suite\",\"redirect_uris\":"
        + "[\"http://127.0.0.1:" + callbackPort + "/callback\"]}]";
    Path out = Path.of("target", "conformance-authorization").toAbsolutePath();
    if (Files.exists(out)) {
      try (var old = Files.walk(out)) {
        old.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
      }
    }
    try (OAuthFixture f = OAuthFixture.gateway(Map.of("oauth.clients", clients))) {
      NodeHarness.Result r = NodeHarness.run("oauth-conformance.mjs", List.of(), Map.of("ISSUER", f.issuer(),
          "RESOURCE", f.resource(), "CLIENT_ID", "conformance", "CALLBACK_PORT", Integer.toString(callbackPort),
          "OUT", out.toString()), 300);

      assertTrue(r.ok(), r.toString());
      assertTrue(r.stdout().contains("2 passed, 0 failed"), r.toString());
      assertTrue(r.stdout().contains("[user] arrived with HTTP 200"), r.toString());
    }
    Map<String, String> statuses = new java.util.TreeMap<>();
    try (var files = Files.walk(out)) {
      for (Path p : files.filter(x -> x.getFileName().toString().equals("checks.json")).toList()) {
        for (Object o : new JsonArray(Files.readString(p))) {
          statuses.put(((JsonObject) o).getString("id"), ((JsonObject) o).getString("status"));
        }
      }
    }
    assertEquals(Map.of("authorization-server-metadata", "SUCCESS", "authorization-server-metadata-cimd", "SUCCESS",
        "authorization-code-grant", "SUCCESS"), statuses);
  }
}
