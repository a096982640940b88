package dev.gitlabmcp.gateway.auth;

import java.util.Objects;

/**
 * Who a request acts as: the GitLab instance it was authenticated for, a handle to its GitLab
 * credential (resolved only just before a call, see {@link CredentialSource}), and a stable subject
 * (never the token) for logs, session ownership and quotas.
 *
 * @param perUser whether the subject is one person (a caller token, later an OAuth grant) rather than
 *                the gateway's own server-side identity: per-user quotas and session ownership apply
 * @param username the GitLab username when the authenticator learned it, else "" (for the audit log)
 * @param clientId the OAuth client the request came through, else "" (for the audit log)
 */
public record Principal(String instance, CredentialHandle credential, String subject, boolean perUser,
                        String username, String clientId) {

  public Principal {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(subject, "subject");
    username = username == null ? "" : username;
    clientId = clientId == null ? "" : clientId;
  }

  /** A principal whose username and OAuth client are not known. */
  public Principal(String instance, CredentialHandle credential, String subject, boolean perUser) {
    this(instance, credential, subject, perUser, "", "");
  }

  /** The same caller on another instance (a server-token session that switched instance). */
  public Principal on(String otherInstance) {
    return otherInstance.equals(instance) ? this
        : new Principal(otherInstance, credential, subject, perUser, username, clientId);
  }
}
