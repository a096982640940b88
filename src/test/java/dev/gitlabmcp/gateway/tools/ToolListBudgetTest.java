package dev.gitlabmcp.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.testing.RawMcp;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * What tools/list costs a model's context, measured on the wire: the default set must stay under
 * 40 KB and the whole catalog under 256 KB, in one page.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ToolListBudgetTest {

  static final int DEFAULT_BUDGET = 40 * 1024;
  /** Raised from 200 KB when the catalog grew to the names users know from @zereight/mcp-gitlab (about 330 tools;
   * that server lists its 262 in 327 KB). Still one page: a client that asks for everything gets everything. */
  static final int ALL_BUDGET = 256 * 1024;

  private static JsonObject listResult(Map<String, String> settings, int[] bytes) {
    // Nothing is called: the GitLab URL is never contacted.
    try (TestGateway gw = TestGateway.start("http://127.0.0.1:9", settings)) {
      RawMcp mcp = new RawMcp(gw.mcpUrl());
      String s = mcp.initialize();
      HttpResponse<String> r = mcp.post(RawMcp.postHeaders(s),
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
      assertEquals(200, r.statusCode());
      JsonObject result = new JsonObject(r.body()).getJsonObject("result");
      bytes[0] = result.encode().getBytes(StandardCharsets.UTF_8).length;
      return result;
    }
  }

  @Test
  void should_keep_the_default_tool_list_under_40_kb() {
    int[] bytes = new int[1];
    JsonObject result = listResult(Map.of(), bytes);
    int tools = result.getJsonArray("tools").size();
    System.out.printf("tools/list default: %d tools, %d bytes (%.1f KB of %d KB)%n", tools, bytes[0],
        bytes[0] / 1024.0, DEFAULT_BUDGET / 1024);

    assertTrue(bytes[0] <= DEFAULT_BUDGET, "default tools/list is " + bytes[0] + " bytes");
    assertTrue(tools >= 30, "the default set covers everyday work: " + tools + " tools");
  }

  @Test
  void should_keep_the_whole_catalog_under_256_kb_in_one_page() {
    int[] bytes = new int[1];
    JsonObject result = listResult(Map.of("tools.toolsets", "all"), bytes);
    int tools = result.getJsonArray("tools").size();
    System.out.printf("tools/list with GITLAB_TOOLSETS=all: %d tools, %d bytes (%.1f KB of %d KB)%n", tools,
        bytes[0], bytes[0] / 1024.0, ALL_BUDGET / 1024);

    result.getJsonArray("tools").stream().map(JsonObject.class::cast)
        .sorted((x, y) -> y.encode().length() - x.encode().length()).limit(8)
        .forEach(t -> System.out.printf("  largest: %-40s %5d bytes%n", t.getString("name"), t.encode().length()));
    assertTrue(tools >= 200, "catalog has " + tools + " tools");
    assertNull(result.getValue("nextCursor"), "every tool in one page: some clients never follow cursors");
    assertTrue(bytes[0] <= ALL_BUDGET, "full tools/list is " + bytes[0] + " bytes");
  }
}
