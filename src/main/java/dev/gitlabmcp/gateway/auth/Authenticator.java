package dev.gitlabmcp.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;

/**
 * Turns a request into a {@link Principal} or a refusal ({@link AuthFailure}), on every request: a
 * session id never authenticates. Implementations: the server-side token, the caller's own GitLab token
 * (remote authorization), each optionally behind MCP_AUTH_TOKEN; later gateway-issued OAuth tokens.
 * {@code Authorization: Bearer} is not assumed to be a GitLab token by anything but the caller-token
 * implementation.
 */
@FunctionalInterface
public interface Authenticator {

  /**
   * @param headers the request's headers
   * @param instance the GitLab instance the request is for (already checked to exist)
   * @param clientAddress the key of the per-address budget ({@code limit.ClientAddress})
   */
  record Request(MultiMap headers, String instance, String clientAddress) {
  }

  /** A principal, or a failed future holding an {@link AuthFailure}. */
  Future<Principal> authenticate(Request request);
}
