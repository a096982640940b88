package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.http.HttpProblem;
import dev.gitlabmcp.gateway.http.Replies;
import dev.gitlabmcp.gateway.tools.DiscoverTools;
import dev.gitlabmcp.gateway.tools.InstanceTools;
import dev.gitlabmcp.gateway.tools.ToolResults;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /mcp in the stateless 2026-07-28 era: every request stands alone. It names its protocol version
 * and the client's capabilities in {@code _meta}, mirrors its method (and tool, prompt or resource name) in
 * headers, authenticates like any request, and is answered by {@link McpServer} with a {@link CallContext}
 * built for it alone: no initialize, no session, any {@code Mcp-Session-Id} ignored. Notifications reach
 * only the request's own response stream, and only those it asked for (a progress token, a log level).
 */
final class StatelessHandler {

  private static final Logger LOG = LoggerFactory.getLogger(StatelessHandler.class);
  static final String META_VERSION = "io.modelcontextprotocol/protocolVersion";
  static final String META_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
  static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
  static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";
  static final String METHOD_HEADER = "Mcp-Method";
  static final String NAME_HEADER = "Mcp-Name";
  /**
   * How long a client may reuse a list. Short: a policy reload, a tier change or a new GitLab version can
   * change what a caller sees, and lists are "private" because they depend on the caller's token.
   */
  static final long LIST_TTL_MS = 60_000;
  /** server/discover changes only with a new gateway version. */
  static final long DISCOVER_TTL_MS = 3_600_000;
  static final Set<String> IMPLEMENTED = Set.of("server/discover", "tools/list", "tools/call", "prompts/list",
      "prompts/get", "subscriptions/listen");
  private static final Set<String> LISTS = Set.of("tools/list", "prompts/list");
  private static final String BASE64_START = "=?base64?";
  private static final String BASE64_END = "?=";

  private final McpRuntime rt;
  private final RequestGate gate;
  private final ListenStreams listens;
  private final StatelessToolsets toolsets;

  StatelessHandler(McpRuntime rt, RequestGate gate, ListenStreams listens) {
    this.rt = rt;
    this.gate = gate;
    this.listens = listens;
    this.toolsets = new StatelessToolsets(rt.server());
  }

  /**
   * Whether a POST is in this era: its MCP-Protocol-Version header names a stateless revision, or (no
   * header, or one we do not know) its body's {@code _meta} names a protocol version, which only stateless
   * clients send. A 2025 header always means the session era, whatever the body holds.
   */
  static boolean applies(RoutingContext ctx) {
    String header = ctx.request().getHeader(McpHttpVerticle.VERSION_HEADER);
    if (ProtocolVersions.modern(header)) {
      return true;
    }
    if (ProtocolVersions.supported(header)) {
      return false;
    }
    Buffer body = ctx.body().buffer();
    // A cheap look first: most bodies without a header are 2025-03-26 clients' and never hold the key.
    if (body == null || !body.toString(StandardCharsets.UTF_8).contains(META_VERSION)) {
      return false;
    }
    try {
      return Json.decodeValue(body) instanceof JsonObject m && m.getValue("params") instanceof JsonObject p
          && p.getValue("_meta") instanceof JsonObject meta && meta.containsKey(META_VERSION);
    } catch (DecodeException e) {
      return false;
    }
  }

  void handle(RoutingContext ctx) {
    Future.succeededFuture().compose(v -> serve(ctx)).onFailure(err -> Replies.fail(ctx, err));
  }

  private Future<Void> serve(RoutingContext ctx) {
    Object parsed = PostHandler.parse(ctx.body().buffer());
    if (!(parsed instanceof JsonObject m)) {
      throw HttpProblem.rpc(400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: protocol "
          + ProtocolVersions.V2026_07_28 + " takes one JSON-RPC message per POST, never a batch"));
    }
    JsonObject bad = McpServer.envelopeError(m);
    if (bad != null) {
      throw HttpProblem.rpc(400, bad);
    }
    HttpProblem refused = RequestGate.pendingRefusal(ctx);
    if (refused != null) {
      throw refused.forRequest(m.getValue("id"));
    }
    if (!m.containsKey("method")) {
      throw HttpProblem.rpc(400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: protocol "
          + ProtocolVersions.V2026_07_28 + " sends no requests to clients, so it takes no responses"));
    }
    if (!m.containsKey("id")) {
      // This revision defines no client notifications over HTTP (closing the stream cancels): accepted, ignored.
      ctx.response().setStatusCode(202).end();
      return Future.succeededFuture();
    }
    Object id = m.getValue("id");
    String method = m.getString("method");
    JsonObject meta = checkMeta(id, m.getValue("params"));
    checkHeaders(ctx, id, method, m.getJsonObject("params"), meta.getString(META_VERSION));
    if (!IMPLEMENTED.contains(method)) {
      throw HttpProblem.rpc(404, JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method
          + (method.equals("initialize") ? " (protocol " + ProtocolVersions.V2026_07_28 + " has no initialize: "
          + "send requests directly, or server/discover)" : "")));
    }
    Set<String> selected = toolsets.selected(ctx, id);
    JsonObject listen = method.equals("subscriptions/listen") ? ListenStreams.honoured(id, m.getJsonObject("params"))
        : null;
    // Refused before dispatch (401, 403, 404, 429, 503): the refusal still answers this request's id.
    return gate.authenticate(ctx, null)
        .compose(principal -> gate.chargeCaller(ctx, principal).map(v -> principal))
        .recover(err -> Future.failedFuture(err instanceof HttpProblem p ? p.forRequest(id) : err))
        .compose(principal -> listen != null ? listen(ctx, id, listen) : dispatch(ctx, m, meta, principal, selected));
  }

  private Future<Void> listen(RoutingContext ctx, Object id, JsonObject honoured) {
    rt.metrics().requestProcessed();
    listens.open(ctx, id, honoured);
    return Future.succeededFuture();
  }

  /** The request's {@code _meta}, checked: a protocol version, the client's capabilities, a valid log level. */
  private static JsonObject checkMeta(Object id, Object rawParams) {
    JsonObject meta = rawParams instanceof JsonObject p && p.getValue("_meta") instanceof JsonObject o ? o : null;
    String problem = null;
    if (rawParams != null && !(rawParams instanceof JsonObject)) {
      problem = "\"params\" must be an object";
    } else if (meta == null) {
      problem = "params._meta is required in protocol " + ProtocolVersions.V2026_07_28;
    } else if (!(meta.getValue(META_VERSION) instanceof String)) {
      problem = "params._meta must name " + META_VERSION + " (a string)";
    } else if (!(meta.getValue(META_CAPABILITIES) instanceof JsonObject)) {
      problem = "params._meta must carry " + META_CAPABILITIES + " (an object, {} when the client has none)";
    } else if (meta.containsKey(META_LOG_LEVEL) && LogLevel.parse(meta.getValue(META_LOG_LEVEL)) == null) {
      problem = META_LOG_LEVEL + " must be one of debug, info, notice, warning, error, critical, alert, emergency";
    }
    if (problem != null) {
      throw HttpProblem.rpc(400, JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "Invalid params: " + problem));
    }
    return meta;
  }

  /**
   * MCP-Protocol-Version must equal the body's version, which we must serve; Mcp-Method must equal the
   * method; Mcp-Name the tool, prompt or resource named, after decoding a {@code =?base64?...?=} value.
   */
  private static void checkHeaders(RoutingContext ctx, Object id, String method, JsonObject params, String version) {
    String header = ctx.request().getHeader(McpHttpVerticle.VERSION_HEADER);
    if (!version.equals(header)) {
      throw mismatch(id, McpHttpVerticle.VERSION_HEADER, header, version);
    }
    if (!ProtocolVersions.modern(version)) {
      throw HttpProblem.rpc(400, JsonRpc.error(id, JsonRpc.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol "
          + "version '" + HttpText.clip(version) + "'; supported: " + String.join(", ", ProtocolVersions.ALL),
          new JsonObject().put("supported", new JsonArray(ProtocolVersions.ALL)).put("requested", version)));
    }
    String methodHeader = ctx.request().getHeader(METHOD_HEADER);
    if (!method.equals(methodHeader)) {
      throw mismatch(id, METHOD_HEADER, methodHeader, method);
    }
    String field = method.equals("resources/read") ? "uri"
        : method.equals("tools/call") || method.equals("prompts/get") ? "name" : null;
    if (field != null) {
      Object named = params.getValue(field);
      String nameHeader = decoded(ctx.request().getHeader(NAME_HEADER));
      if (!(named instanceof String s) || !s.equals(nameHeader)) {
        throw mismatch(id, NAME_HEADER, nameHeader, named instanceof String s ? s : null);
      }
    }
  }

  private static HttpProblem mismatch(Object id, String header, String sent, String body) {
    String detail = sent == null ? header + " header is missing"
        : header + " header '" + HttpText.clip(sent) + "' does not match the body's "
        + (body == null ? "(absent) value" : "'" + HttpText.clip(body) + "'");
    return HttpProblem.rpc(400, JsonRpc.error(id, JsonRpc.HEADER_MISMATCH, "Header mismatch: " + detail));
  }

  /** A header value, its {@code =?base64?...?=} form decoded; null when absent or not valid Base64 UTF-8. */
  static String decoded(String value) {
    if (value == null || !(value.startsWith(BASE64_START) && value.endsWith(BASE64_END)
        && value.length() >= BASE64_START.length() + BASE64_END.length())) {
      return value;
    }
    try {
      byte[] raw = Base64.getDecoder().decode(value.substring(BASE64_START.length(),
          value.length() - BASE64_END.length()));
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(raw)).toString();
    } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  private Future<Void> dispatch(RoutingContext ctx, JsonObject m, JsonObject meta, Principal principal,
                                Set<String> selected) {
    rt.metrics().requestProcessed();
    Object id = m.getValue("id");
    String method = m.getString("method");
    if (method.equals("server/discover")) {
      Replies.json(ctx, 200, JsonRpc.result(id, discover()));
      return Future.succeededFuture();
    }
    JsonObject params = m.getJsonObject("params");
    // Listing shows the defaults plus the URL's toolsets; a call may reach any toolset (the policy decides).
    boolean anyToolset = method.equals("tools/call") && !DiscoverTools.NAME.equals(params.getValue("name"));
    CallContext call = new CallContext(principal, meta.getString(META_VERSION), meta.getJsonObject(META_CAPABILITIES),
        anyToolset ? toolsets.all() : selected, LogLevel.parse(meta.getValue(META_LOG_LEVEL)), null,
        "r-" + McpHttpVerticle.newSessionId(), CallContext.Changes.NONE);
    JsonObject instead = sessionless(id, method, params, selected, principal.instance());
    if (instead != null) {
      Replies.json(ctx, 200, instead);
      return Future.succeededFuture();
    }
    return answer(ctx, call, m);
  }

  static JsonObject discover() {
    return new JsonObject().put("resultType", "complete")
        .put("supportedVersions", new JsonArray(ProtocolVersions.ALL))
        .put("capabilities", new JsonObject().put("tools", new JsonObject().put("listChanged", true))
            .put("prompts", new JsonObject())
            .put("logging", new JsonObject()))
        .put("instructions", McpServer.INSTRUCTIONS)
        .put("_meta", new JsonObject().put(META_SERVER_INFO, McpServer.serverInfo()))
        .put("ttlMs", DISCOVER_TTL_MS).put("cacheScope", "public");
  }

  /**
   * The gateway's tools that change a session (enable toolsets, switch instance) have none to change here:
   * they answer how to do the same per request instead of claiming a change that would not last.
   */
  private JsonObject sessionless(Object id, String method, JsonObject params, Set<String> selected,
                                 String instance) {
    if (!method.equals("tools/call")) {
      return null;
    }
    Object tool = params.getValue("name");
    JsonObject args = params.getValue("arguments") instanceof JsonObject a ? a : new JsonObject();
    String text = null;
    if (InstanceTools.SWITCH.equals(tool)) {
      text = "There is no session to switch in protocol " + ProtocolVersions.V2026_07_28 + ": send requests for "
          + "another GitLab instance to /mcp/{instance} (list_instances names them).";
    } else if (DiscoverTools.NAME.equals(tool)) {
      JsonObject enabled = toolsets.enable(args, selected, instance);
      return enabled == null ? null : JsonRpc.result(id, enabled.put("resultType", "complete"));
    }
    return text == null ? null : JsonRpc.result(id, ToolResults.error(text).put("resultType", "complete"));
  }

  /**
   * Dispatches to McpServer: JSON, or an SSE stream when progress or log notifications the request asked
   * for precede the result. Closing the stream cancels the GitLab call if repeating it is harmless.
   */
  private Future<Void> answer(RoutingContext ctx, CallContext call, JsonObject m) {
    HttpServerResponse resp = ctx.response();
    Object id = m.getValue("id");
    SseStream[] stream = new SseStream[1];
    Sink sink = n -> {
      String kind = n.getString("method");
      if (!"notifications/progress".equals(kind) && !"notifications/message".equals(kind)) {
        return; // e.g. tools/list_changed: it belongs on a subscription stream, not this request's
      }
      if (stream[0] == null) {
        stream[0] = new SseStream(resp, call.callPrefix().substring(0, 10)).start();
      }
      stream[0].event(n);
    };
    resp.closeHandler(v -> rt.server().disconnected(call, id));
    return rt.server().handle(call, m, sink)
        .otherwise(err -> {
          if (err instanceof HttpProblem p && stream[0] == null) {
            throw p; // a refusal with its own status (403 insufficient_scope, 401 sign in again)
          }
          LOG.error("mcp_handler_failed era={} method={} error={}", call.era(), m.getString("method"),
              err.getClass().getName(), err);
          return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "Internal error");
        })
        .map(response -> {
          JsonObject out = complete(m.getString("method"), response);
          if (stream[0] != null) {
            stream[0].event(out);
            stream[0].end();
          } else {
            Replies.json(ctx, JsonRpc.isError(out) && out.getJsonObject("error").getInteger("code")
                == JsonRpc.METHOD_NOT_FOUND ? 404 : 200, out);
          }
          return null;
        });
  }

  /** A result of this era: {@code resultType}, and caching hints on lists (private: they depend on the caller). */
  static JsonObject complete(String method, JsonObject response) {
    if (!(response.getValue("result") instanceof JsonObject shared)) {
      return response;
    }
    // A shallow copy: McpServer may hand out shared objects (the prompt list) that 2025 sessions also send.
    JsonObject result = new JsonObject(new LinkedHashMap<>(shared.getMap())).put("resultType", "complete");
    if (LISTS.contains(method)) {
      result.put("ttlMs", LIST_TTL_MS).put("cacheScope", "private");
    }
    return JsonRpc.result(response.getValue("id"), result);
  }
}
