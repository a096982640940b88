package dev.gitlabmcp.gateway.gitlab;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.Objects;

/**
 * One request to a GitLab instance, sent over the local event bus to the registry verticle.
 *
 * @param callId unique per in-flight call (session id + JSON-RPC id), used to cancel it
 * @param instance the configured instance name
 * @param method the HTTP method
 * @param pathAndQuery already encoded, relative to /api/v4, starting with '/'
 * @param body JSON body or null
 * @param credential who the call acts as
 * @param idempotent whether it may be retried after it was sent
 */
public record GitLabCall(String callId, String instance, HttpMethod method, String pathAndQuery, Buffer body,
                         Credential credential, boolean idempotent) {

  public GitLabCall {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(pathAndQuery, "pathAndQuery");
    Objects.requireNonNull(credential, "credential");
    if (!pathAndQuery.startsWith("/")) {
      throw new IllegalArgumentException("pathAndQuery must start with '/'");
    }
  }

  @Override
  public String toString() {
    // Never the credential, and no query string: it may carry user input.
    int q = pathAndQuery.indexOf('?');
    return method + " " + (q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
  }
}
