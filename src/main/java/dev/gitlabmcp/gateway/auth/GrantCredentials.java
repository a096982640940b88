package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.gitlab.Credential;
import dev.gitlabmcp.gateway.http.HttpProblem;
import io.vertx.core.Future;

/**
 * The GitLab tokens held by OAuth grants, as {@link CredentialSource} needs them (implemented by the
 * {@code oauth} package, which {@code auth} does not import). Failures are refusals the request answers
 * with ({@code http.HttpProblem}): a grant GitLab revoked ends in a 401 that makes the client sign in again.
 */
public interface GrantCredentials {

  /** The token to send for {@code grant} on {@code instance}, refreshed first when it expires soon. */
  Future<Credential> resolve(CredentialHandle.Grant grant, String instance);

  /**
   * After GitLab answered 401 to {@code rejected}: a newer token (another replica's refresh, or a refresh
   * now), or null when there is none.
   */
  Future<Credential> afterRejection(CredentialHandle.Grant grant, String instance, Credential rejected);

  /** The 403 {@code insufficient_scope} refusal of a read-only grant calling {@code tool}, which writes. */
  HttpProblem insufficientScope(String instance, String tool);

  /** No OAuth sign-in: a grant handle cannot occur. */
  GrantCredentials NONE = new GrantCredentials() {
    @Override
    public Future<Credential> resolve(CredentialHandle.Grant grant, String instance) {
      return Future.failedFuture(new IllegalStateException("OAuth sign-in is not enabled"));
    }

    @Override
    public Future<Credential> afterRejection(CredentialHandle.Grant grant, String instance, Credential rejected) {
      return Future.succeededFuture(null);
    }

    @Override
    public HttpProblem insufficientScope(String instance, String tool) {
      return HttpProblem.plain(403, "insufficient_scope", "Tool " + tool + " changes GitLab data.");
    }
  };
}
