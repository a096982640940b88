package dev.gitlabmcp.gateway.auth;

import java.util.Objects;

/**
 * Who a request acts as: the GitLab instance it was authenticated for, a handle to its GitLab
 * credential (resolved only just before a call, see {@link CredentialSource}), and a stable subject
 * (never the token) for logs, session ownership and quotas.
 *
 * @param perUser whether the subject is one person (a caller token, later an OAuth grant) rather than
 *                the gateway's own server-side identity: per-user quotas and session ownership apply
 */
public record Principal(String instance, CredentialHandle credential, String subject, boolean perUser) {

  public Principal {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(subject, "subject");
  }

  /** The same caller on another instance (a server-token session that switched instance). */
  public Principal on(String otherInstance) {
    return otherInstance.equals(instance) ? this : new Principal(otherInstance, credential, subject, perUser);
  }
}
