package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.gitlab.Credential;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.http.HttpProblem;
import io.vertx.core.Future;

/**
 * Resolves a principal's credential handle into the GitLab token sent with a call, just before the
 * call. Server tokens come from the instance's configuration (so a reload that rotates a token takes
 * effect on the next call); caller tokens are the ones the request carried. After GitLab answers 401,
 * {@link #afterRejection} may offer a fresh credential for one retry (an OAuth grant refreshes there);
 * for static credentials there is none.
 */
public class CredentialSource {

  private final InstanceDirectory instances;
  private final GrantCredentials grants;

  public CredentialSource(InstanceDirectory instances) {
    this(instances, GrantCredentials.NONE);
  }

  /** @param grants the GitLab tokens of OAuth grants (sign in with GitLab) */
  public CredentialSource(InstanceDirectory instances, GrantCredentials grants) {
    this.instances = instances;
    this.grants = grants;
  }

  public Future<Credential> resolve(Principal principal) {
    if (principal.credential() instanceof CredentialHandle.Grant g) {
      return grants.resolve(g, principal.instance());
    }
    return Future.succeededFuture(resolveNow(principal));
  }

  /** A newer credential to retry with after GitLab rejected {@code rejected}, or null when there is none. */
  public Future<Credential> afterRejection(Principal principal, Credential rejected) {
    if (principal.credential() instanceof CredentialHandle.Grant g) {
      return grants.afterRejection(g, principal.instance(), rejected);
    }
    Credential now = resolveNow(principal);
    return Future.succeededFuture(now.equals(rejected) ? null : now);
  }

  /**
   * A refusal when the principal's OAuth grant may only read and {@code tool} writes (403
   * {@code insufficient_scope}, so the client can ask for more), or null.
   */
  public HttpProblem refusesWrite(Principal principal, String tool) {
    return principal.credential() instanceof CredentialHandle.Grant g && !g.mayWrite()
        ? grants.insufficientScope(principal.instance(), tool) : null;
  }

  private Credential resolveNow(Principal principal) {
    if (principal.credential() instanceof CredentialHandle.Caller c) {
      return c.credential();
    }
    GitLabConfig c = instances.get(principal.instance());
    return c == null || !c.token().isSet() ? Credential.ANONYMOUS : Credential.privateToken(c.token());
  }
}
