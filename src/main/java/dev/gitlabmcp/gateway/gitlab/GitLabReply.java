package dev.gitlabmcp.gateway.gitlab;

import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * What came back from GitLab, or why nothing did.
 *
 * @param status HTTP status, or 0 when the call failed before a response ({@link #failure} says why)
 * @param headers the response headers the gateway uses (pagination, rate limits), lower-case names
 * @param body the response body (empty on failure)
 * @param failure null on a response, else the transport failure
 * @param failureDetail a short human sentence for the failure, never containing secrets
 * @param attempts how many times the request was sent
 * @param elapsedMs total time including retries
 */
public record GitLabReply(int status, Map<String, String> headers, Buffer body, Failure failure, String failureDetail,
                          int attempts, long elapsedMs) {

  /** Transport failures, each mapped to one message for the model. */
  public enum Failure { TIMEOUT, CONNECTION, TOO_LARGE, CANCELLED, UNKNOWN_INSTANCE, BUSY }

  public GitLabReply {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    body = body == null ? Buffer.buffer() : body;
  }

  public static GitLabReply failed(Failure failure, String detail, int attempts, long elapsedMs) {
    return new GitLabReply(0, Map.of(), Buffer.buffer(), failure, detail, attempts, elapsedMs);
  }

  public GitLabReply withTiming(int attempts, long elapsedMs) {
    return new GitLabReply(status, headers, body, failure, failureDetail, attempts, elapsedMs);
  }

  public boolean ok() {
    return failure == null && status >= 200 && status < 300;
  }

  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }
}
