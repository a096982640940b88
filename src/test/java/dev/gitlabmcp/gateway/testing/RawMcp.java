package dev.gitlabmcp.gateway.testing;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deliberately plain HTTP client for protocol tests: it sends exactly the headers and bytes a
 * test says, so malformed requests can be made on purpose.
 */
public final class RawMcp {

  public static final String ACCEPT_BOTH = "application/json, text/event-stream";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();
  private final String url;

  public RawMcp(String url) {
    this.url = url;
  }

  /** The same endpoint on new connections (a pooled one may just have been closed by the server's idle timeout). */
  public RawMcp fresh() {
    return new RawMcp(url);
  }

  /** The headers a well-behaved client sends on POST. */
  public static Map<String, String> postHeaders() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    h.put("Accept", ACCEPT_BOTH);
    return h;
  }

  /** The {@code _meta} a 2026-07-28 (stateless) client puts on every request: its version, no capabilities. */
  public static io.vertx.core.json.JsonObject modernMeta() {
    return new io.vertx.core.json.JsonObject().put("io.modelcontextprotocol/protocolVersion", "2026-07-28")
        .put("io.modelcontextprotocol/clientCapabilities", new io.vertx.core.json.JsonObject());
  }

  /** The headers a 2026-07-28 client sends for this method (add Mcp-Name for a tool, prompt or resource). */
  public static Map<String, String> modernHeaders(String method) {
    Map<String, String> h = postHeaders();
    h.put("MCP-Protocol-Version", "2026-07-28");
    h.put("Mcp-Method", method);
    return h;
  }

  public static Map<String, String> postHeaders(String sessionId) {
    Map<String, String> h = postHeaders();
    h.put("Mcp-Session-Id", sessionId);
    return h;
  }

  public HttpResponse<String> send(String method, Map<String, String> headers, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    headers.forEach(b::header);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + url + " failed: " + e, e);
    }
  }

  public HttpResponse<String> post(Map<String, String> headers, String body) {
    return send("POST", headers, body);
  }

  public static String initializeBody(String version) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
        .put("params", new JsonObject().put("protocolVersion", version).put("capabilities", new JsonObject())
            .put("clientInfo", new JsonObject().put("name", "raw-test").put("version", "1.0")))
        .encode();
  }

  /** Initializes a session and returns its id. */
  public String initialize(String version) {
    HttpResponse<String> r = post(postHeaders(), initializeBody(version));
    if (r.statusCode() != 200) {
      throw new IllegalStateException("initialize answered " + r.statusCode() + ": " + r.body());
    }
    String id = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    post(postHeaders(id), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return id;
  }

  public String initialize() {
    return initialize("2025-11-25");
  }

  /** Sends a request in a session and returns the parsed JSON-RPC response (JSON or the last SSE event). */
  public JsonObject request(String sessionId, String method, JsonObject params, Object id) {
    JsonObject msg = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method);
    if (params != null) {
      msg.put("params", params);
    }
    HttpResponse<String> r = post(postHeaders(sessionId), msg.encode());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(method + " answered " + r.statusCode() + ": " + r.body());
    }
    return lastMessage(r);
  }

  public JsonObject callTool(String sessionId, String tool, JsonObject args) {
    return request(sessionId, "tools/call", new JsonObject().put("name", tool).put("arguments", args), 7);
  }

  /** The JSON body, or for an event stream the data of its last event. */
  public static JsonObject lastMessage(HttpResponse<String> r) {
    String ct = r.headers().firstValue("Content-Type").orElse("");
    if (!ct.startsWith("text/event-stream")) {
      return new JsonObject(r.body());
    }
    JsonObject last = null;
    for (String line : r.body().split("\n")) {
      if (line.startsWith("data: ") && line.length() > 6) {
        last = new JsonObject(line.substring(6));
      }
    }
    return last;
  }

  /** The text of a CallToolResult's first content item. */
  public static String text(JsonObject response) {
    return response.getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text");
  }

  public static boolean isError(JsonObject response) {
    return Boolean.TRUE.equals(response.getJsonObject("result").getBoolean("isError"));
  }
}
