package dev.gitlabmcp.gateway.mcp;

import io.vertx.core.json.JsonObject;

/** JSON-RPC 2.0 codes and message builders. */
public final class JsonRpc {

  public static final int PARSE_ERROR = -32700;
  public static final int INVALID_REQUEST = -32600;
  public static final int METHOD_NOT_FOUND = -32601;
  public static final int INVALID_PARAMS = -32602;
  public static final int INTERNAL_ERROR = -32603;
  /** Transport-level problems (no session, unknown session, ...), as the reference SDKs send them. */
  public static final int SERVER_ERROR = -32000;
  public static final int REQUEST_CANCELLED = -32800;
  /** 2026-07-28: an HTTP header (MCP-Protocol-Version, Mcp-Method, Mcp-Name) is missing or disagrees with the body. */
  public static final int HEADER_MISMATCH = -32020;
  /** 2026-07-28: the requested protocol version is not served; data lists the supported ones. */
  public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

  private JsonRpc() {
  }

  public static JsonObject result(Object id, JsonObject result) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result);
  }

  /** Longest error message sent; longer ones (e.g. echoing a 100 KB method name) are cut. */
  static final int MAX_MESSAGE = 1000;

  public static JsonObject error(Object id, int code, String message) {
    String m = message != null && message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message;
    return new JsonObject().put("jsonrpc", "2.0").put("id", id)
        .put("error", new JsonObject().put("code", code).put("message", m));
  }

  /** An error response with a {@code data} member. */
  public static JsonObject error(Object id, int code, String message, JsonObject data) {
    JsonObject e = error(id, code, message);
    e.getJsonObject("error").put("data", data);
    return e;
  }

  public static JsonObject notification(String method, JsonObject params) {
    JsonObject n = new JsonObject().put("jsonrpc", "2.0").put("method", method);
    return params == null ? n : n.put("params", params);
  }

  /** A valid id is a string or an integer; null, objects, arrays, booleans and fractions are not. */
  public static boolean validId(Object id) {
    return id instanceof String || id instanceof Integer || id instanceof Long
        || id instanceof java.math.BigInteger;
  }

  public static boolean isError(JsonObject response) {
    return response != null && response.containsKey("error");
  }
}
