package dev.gitlabmcp.gateway.http;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request refused with a status the client can act on: the HTTP status, the JSON body, and headers
 * to send with it. Thrown or failed anywhere in a request's chain; the chain's one failure path
 * answers it. Carries no stack trace: it is an answer, not a bug.
 */
public final class HttpProblem extends RuntimeException {

  private final int status;
  private final JsonObject body;
  private final Map<String, String> headers = new LinkedHashMap<>();

  public HttpProblem(int status, JsonObject body) {
    super("HTTP " + status, null, false, false);
    this.status = status;
    this.body = Objects.requireNonNull(body, "body");
  }

  /** The {"error","message"} shape the established GitLab MCP server documents. */
  public static HttpProblem plain(int status, String error, String message) {
    return new HttpProblem(status, new JsonObject().put("error", error).put("message", message));
  }

  /** A transport-level error shaped as a JSON-RPC error object with id null, as the reference SDKs answer. */
  public static HttpProblem rpc(int status, int code, String message) {
    return new HttpProblem(status, new JsonObject().put("jsonrpc", "2.0").putNull("id")
        .put("error", new JsonObject().put("code", code).put("message", message)));
  }

  /** A JSON-RPC error response body (already built, possibly with the request's id). */
  public static HttpProblem rpc(int status, JsonObject rpcError) {
    return new HttpProblem(status, rpcError);
  }

  /**
   * The same refusal as a JSON-RPC error response to the request with this id (2026-07-28 echoes the id in
   * every error it can): status and headers kept; a plain {"error","message"} body becomes error -32000
   * with that message and the label in {@code data.error}.
   */
  public HttpProblem forRequest(Object id) {
    JsonObject rpc;
    if (body.containsKey("jsonrpc")) {
      rpc = body.copy();
      if (rpc.getValue("id") == null) {
        rpc.put("id", id);
      }
    } else {
      JsonObject error = new JsonObject().put("code", -32000).put("message", String.valueOf(body.getValue("message")));
      if (body.getValue("error") instanceof String label) {
        error.put("data", new JsonObject().put("error", label));
      }
      rpc = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("error", error);
    }
    HttpProblem out = new HttpProblem(status, rpc);
    out.headers.putAll(headers);
    return out;
  }

  public HttpProblem header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public int status() {
    return status;
  }

  public JsonObject body() {
    return body;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
