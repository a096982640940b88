package dev.gitlabmcp.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MCP over stdio at the byte level: newline-delimited JSON-RPC in, one JSON-RPC message per
 * stdout line out, including for the lines a careless host gets wrong.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StdioProtocolTest {

  /** None of these tests reaches GitLab: nothing listens here. */
  private static final String NO_GITLAB = "http://127.0.0.1:9";

  @TempDir
  Path workDir;
  private RawStdio gateway;

  @BeforeEach
  void spawn() {
    gateway = RawStdio.start(NO_GITLAB, workDir);
  }

  @AfterEach
  void kill() {
    gateway.close();
  }

  private static JsonObject request(Object id, String method) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method);
  }

  @Test
  void should_answer_a_malformed_line_with_a_parse_error_and_keep_serving() {
    gateway.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");

    JsonObject error = gateway.next();
    assertEquals("2.0", error.getString("jsonrpc"));
    assertTrue(error.containsKey("id") && error.getValue("id") == null, error::encode);
    assertEquals(-32700, error.getJsonObject("error").getInteger("code"));

    JsonObject init = gateway.initialize();
    assertEquals("2025-11-25", init.getJsonObject("result").getString("protocolVersion"));
  }

  @Test
  void should_refuse_a_request_before_initialize() {
    gateway.send(request(7, "tools/list").encode());

    JsonObject error = gateway.next();
    assertEquals(7, error.getInteger("id"));
    assertEquals(-32600, error.getJsonObject("error").getInteger("code"));
    assertTrue(error.getJsonObject("error").getString("message").contains("initialize"), error::encode);
    assertNull(error.getValue("result"));
  }

  @Test
  void should_answer_ping_after_initialize_with_an_empty_result() {
    JsonObject init = gateway.initialize();
    assertEquals(1, init.getInteger("id"));
    assertEquals("gitlab-mcp-gateway", init.getJsonObject("result").getJsonObject("serverInfo").getString("name"));

    gateway.send(request("ping-1", "ping").encode());

    assertEquals(new JsonObject().put("jsonrpc", "2.0").put("id", "ping-1").put("result", new JsonObject()),
        gateway.next());
  }

  @Test
  void should_reject_a_batch_in_a_2025_11_25_session_without_running_its_requests() {
    gateway.initialize();

    gateway.send("[" + request(2, "ping").encode() + "," + request(3, "tools/list").encode() + "]");

    JsonObject error = gateway.next();
    assertTrue(error.containsKey("id") && error.getValue("id") == null, error::encode);
    assertEquals(-32600, error.getJsonObject("error").getInteger("code"));
    assertTrue(error.getJsonObject("error").getString("message").contains("batch"), error::encode);
    // The next answer is for the next request: nothing from inside the batch was answered.
    gateway.send(request(4, "ping").encode());
    assertEquals(4, gateway.next().getInteger("id"));
  }

  @Test
  void should_exit_with_code_0_when_stdin_closes() {
    gateway.initialize();
    gateway.send(request(2, "ping").encode());
    assertEquals(2, gateway.next().getInteger("id"));

    gateway.closeStdin();

    assertEquals(0, gateway.awaitExit(Duration.ofSeconds(10)));
    // The stderr reader may still be catching up with the exited process.
    Poll.until(() -> gateway.stderr().stream().anyMatch(l -> l.contains("stdin ended")), Duration.ofSeconds(5),
        "the stdio_closed log line on stderr");
    assertEquals(0, gateway.unread().size(), () -> "unexpected stdout lines: " + gateway.unread());
  }
}
