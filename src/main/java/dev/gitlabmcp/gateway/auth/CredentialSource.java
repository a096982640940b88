package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.gitlab.Credential;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
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

  public CredentialSource(InstanceDirectory instances) {
    this.instances = instances;
  }

  public Future<Credential> resolve(Principal principal) {
    return Future.succeededFuture(resolveNow(principal));
  }

  /** A newer credential to retry with after GitLab rejected {@code rejected}, or null when there is none. */
  public Future<Credential> afterRejection(Principal principal, Credential rejected) {
    Credential now = resolveNow(principal);
    return Future.succeededFuture(now.equals(rejected) ? null : now);
  }

  private Credential resolveNow(Principal principal) {
    if (principal.credential() instanceof CredentialHandle.Caller c) {
      return c.credential();
    }
    GitLabConfig c = instances.get(principal.instance());
    return c == null || !c.token().isSet() ? Credential.ANONYMOUS : Credential.privateToken(c.token());
  }
}
