package dev.gitlabmcp.gateway.mcp;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * A Server-Sent Events stream on one HTTP response. With a stream id (2025 eras) events carry ids and the
 * stream opens with a priming event; without one (2026-07-28, which resumes nothing) they carry neither.
 */
final class SseStream {

  static final int RETRY_MS = 2000;

  private final HttpServerResponse response;
  private final String streamId;
  private long next;

  SseStream(HttpServerResponse response, String streamId) {
    this.response = response;
    this.streamId = streamId;
  }

  /**
   * Writes the headers and a priming event (an id and empty data) with a retry hint, so a client
   * knows where to resume and how soon to reconnect.
   */
  SseStream start() {
    response.setStatusCode(200)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache, no-transform")
        .putHeader("X-Accel-Buffering", "no")
        .setChunked(true);
    if (streamId != null) {
      response.write("id: " + nextId() + "\nretry: " + RETRY_MS + "\ndata: \n\n");
    }
    return this;
  }

  boolean open() {
    return !response.ended() && !response.closed();
  }

  void event(JsonObject message) {
    if (open()) {
      response.write((streamId == null ? "" : "id: " + nextId() + "\n") + "event: message\ndata: " + message.encode()
          + "\n\n");
    }
  }

  void comment(String text) {
    if (open()) {
      response.write(": " + text + "\n\n");
    }
  }

  /** Tells the client how soon to reconnect (to another replica, when this one is stopping). */
  void retry(int millis) {
    if (open()) {
      response.write("retry: " + millis + "\n\n");
    }
  }

  void end() {
    if (open()) {
      response.end();
    }
  }

  private String nextId() {
    return streamId + "-" + (next++);
  }
}
