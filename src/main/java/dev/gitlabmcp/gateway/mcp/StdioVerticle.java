package dev.gitlabmcp.gateway.mcp;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP over stdio: newline-delimited JSON-RPC on stdin/stdout, one session for the process.
 * Blocking reads and writes happen on two dedicated threads, never on the event loop.
 */
public final class StdioVerticle extends VerticleBase {

  static final JsonObject EMPTY_BATCH = JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: empty batch");

  private static final Logger LOG = LoggerFactory.getLogger(StdioVerticle.class);

  private final McpRuntime rt;
  private final InputStream in;
  private final OutputStream out;
  private final Promise<Void> eof;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "stdio-writer");
    t.setDaemon(true);
    return t;
  });
  private SessionState session;
  /** Requests still being answered; confined to this verticle's event loop. */
  private int pending;
  private boolean stdinClosed;

  /**
   * @param eof completed when stdin closes, so the process can exit
   */
  public StdioVerticle(McpRuntime runtime, InputStream in, OutputStream out, Promise<Void> eof) {
    this.rt = runtime;
    this.in = in;
    this.out = out;
    this.eof = eof;
  }

  @Override
  public Future<?> start() {
    Thread reader = new Thread(this::readLoop, "stdio-reader");
    reader.setDaemon(true);
    reader.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    writer.shutdown();
    return Future.succeededFuture();
  }

  private void readLoop() {
    long max = rt.config().maxBodyBytes();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String l = line;
        if (l.length() > max) {
          context.runOnContext(v -> write(JsonRpc.error(null, JsonRpc.PARSE_ERROR,
              "Parse error: the message exceeds " + max + " bytes")));
          continue;
        }
        context.runOnContext(v -> onLine(l));
      }
    } catch (IOException e) {
      LOG.warn("stdio_read_failed error={}", e.getClass().getSimpleName());
    }
    context.runOnContext(v -> onStdinClosed());
  }

  /** stdin ended: answer what is still running (bounded by the GitLab timeout), then let the process exit. */
  private void onStdinClosed() {
    stdinClosed = true;
    LOG.info("stdio_closed: stdin ended, {} request(s) still running", pending);
    if (pending == 0) {
      eof.tryComplete();
    } else {
      vertx.setTimer(rt.config().gitlab().requestTimeoutMs() + 5_000L, t -> eof.tryComplete());
    }
  }

  private <T> Future<T> track(Future<T> work) {
    pending++;
    return work.onComplete(ar -> {
      pending--;
      if (stdinClosed && pending == 0) {
        // Let the writer flush the last answer before the process exits.
        writer.execute(() -> context.runOnContext(v -> eof.tryComplete()));
      }
    });
  }

  private void onLine(String line) {
    Object msg;
    try {
      msg = Json.decodeValue(line);
    } catch (DecodeException e) {
      write(JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: the line is not valid JSON"));
      return;
    }
    if (msg instanceof JsonArray batch) {
      if (session == null || !ProtocolVersions.allowsBatches(session.protocolVersion())) {
        write(JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
            "Invalid Request: JSON-RPC batches are only accepted in " + ProtocolVersions.V2025_03_26 + " sessions"));
        return;
      }
      if (batch.isEmpty()) {
        write(EMPTY_BATCH); // JSON-RPC 2.0: an empty array gets one error object, not an array
        return;
      }
      track(rt.server().handleBatch(context(), batch).map(r -> {
        if (r != null) {
          write(r);
        }
        return null;
      }));
      return;
    }
    JsonObject bad = McpServer.envelopeError(msg);
    if (bad != null) {
      write(bad);
      return;
    }
    JsonObject m = (JsonObject) msg;
    if ("initialize".equals(m.getValue("method")) && m.containsKey("id")) {
      JsonObject response = rt.server().initialize(m);
      if (!JsonRpc.isError(response)) {
        session = SessionState.create(McpHttpVerticle.newSessionId(),
            response.getJsonObject("result").getString("protocolVersion"), McpServer.clientName(m), null, null,
            System.currentTimeMillis());
        LOG.info("session_created transport=stdio session={} client=\"{}\" protocol={}", session.shortId(),
            session.clientName(), session.protocolVersion());
      }
      write(response);
      return;
    }
    if (session == null) {
      if (m.containsKey("id")) {
        write("ping".equals(m.getValue("method")) ? JsonRpc.result(m.getValue("id"), new JsonObject())
            : JsonRpc.error(m.getValue("id"), JsonRpc.INVALID_REQUEST, "Invalid Request: send initialize first"));
      }
      return;
    }
    // The answer is queued for writing inside track(), before the request stops counting as pending.
    track(rt.server().handle(context(), m, this::write).transform(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        write(ar.result());
      } else if (ar.failed() && m.containsKey("id")) {
        write(JsonRpc.error(m.getValue("id"), JsonRpc.INTERNAL_ERROR, "Internal error"));
      }
      return Future.succeededFuture();
    }));
  }

  /**
   * The process's one session as a call context; its changes (toolsets, instance, log level) apply to
   * the field on this verticle's event loop.
   */
  private CallContext context() {
    SessionState s = session;
    return new CallContext(rt.authenticators().serverPrincipal(rt.instanceOf(s)), s.protocolVersion(), null,
        s.toolsets(), s.logLevel(), s.id(), s.id(), change -> {
          session = change.apply(session);
          return Future.succeededFuture(session);
        });
  }

  private void write(Object message) {
    byte[] bytes = (Json.encode(message) + "\n").getBytes(StandardCharsets.UTF_8);
    writer.execute(() -> {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        // The host closed our stdout: nothing can be told to it any more.
        eof.tryComplete();
      }
    });
  }
}
