package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.gitlab.Credential;
import dev.gitlabmcp.gateway.gitlab.GitLabCall;
import dev.gitlabmcp.gateway.gitlab.GitLabReply;
import dev.gitlabmcp.gateway.gitlab.RegistryClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * Calls GitLab as a principal: resolves its credential just before sending, and after a 401 asks the
 * credential source once for a newer credential (a refreshed OAuth token) and retries with it.
 */
public final class ActingClient {

  private final CredentialSource credentials;
  private final RegistryClient registry;

  public ActingClient(CredentialSource credentials, RegistryClient registry) {
    this.credentials = credentials;
    this.registry = registry;
  }

  public CredentialSource credentials() {
    return credentials;
  }

  public RegistryClient registry() {
    return registry;
  }

  /**
   * @param callId unique id of the call (to cancel it), or null
   * @param pathAndQuery encoded, relative to /api/v4
   */
  public Future<GitLabReply> send(Principal principal, String callId, HttpMethod method, String pathAndQuery,
                                  Buffer body, boolean idempotent) {
    return credentials.resolve(principal)
        .compose(c -> send(principal, c, callId, method, pathAndQuery, body, idempotent, true));
  }

  private Future<GitLabReply> send(Principal principal, Credential credential, String callId, HttpMethod method,
                                   String pathAndQuery, Buffer body, boolean idempotent, boolean mayRetry) {
    GitLabCall call = new GitLabCall(callId, principal.instance(), method, pathAndQuery, body, credential, idempotent);
    return registry.send(call).compose(reply -> reply.failure() == null && reply.status() == 401 && mayRetry
        ? retryWithNewer(principal, credential, reply, callId, method, pathAndQuery, body, idempotent)
        : Future.succeededFuture(reply));
  }

  private Future<GitLabReply> retryWithNewer(Principal principal, Credential rejected, GitLabReply reply, String callId,
                                             HttpMethod method, String pathAndQuery, Buffer body, boolean idempotent) {
    return credentials.afterRejection(principal, rejected).compose(newer -> newer == null
        ? Future.succeededFuture(reply)
        : send(principal, newer, callId, method, pathAndQuery, body, idempotent, false));
  }
}
