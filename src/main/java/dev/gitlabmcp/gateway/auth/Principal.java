package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.gitlab.Credential;
import java.util.Objects;

/**
 * Who a request acts as: the GitLab instance, the credential sent to it, and a stable subject
 * (never the token) for logs and session ownership.
 */
public record Principal(String instance, Credential credential, String subject) {

  public Principal {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(subject, "subject");
  }
}
