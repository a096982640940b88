package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.gitlab.Credential;
import java.util.Objects;

/**
 * What a principal's GitLab credential is, without necessarily holding it: {@link CredentialSource}
 * turns a handle into the token to send, just before each call, so a refreshable credential (an
 * OAuth grant) can be refreshed and a rejected one re-resolved.
 */
public sealed interface CredentialHandle {

  /** The instance's own server-side token (or anonymous when it has none). */
  record ServerToken() implements CredentialHandle {
  }

  /** The token the caller sent with this very request (remote authorization). */
  record Caller(Credential credential) implements CredentialHandle {

    public Caller {
      Objects.requireNonNull(credential, "credential");
    }

    @Override
    public String toString() {
      return "Caller[" + credential.kind() + "]";
    }
  }

  ServerToken SERVER = new ServerToken();
}
