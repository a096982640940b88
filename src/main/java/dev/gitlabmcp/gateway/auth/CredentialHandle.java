package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.gitlab.Credential;
import java.util.List;
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

  /**
   * A grant the gateway issued after a GitLab sign-in (OAuth): its GitLab token for the principal's instance
   * is looked up, and refreshed when due, by {@link GrantCredentials} just before each call.
   *
   * @param scopes the access token's scopes ({@code api} may write, {@code read_api} only read)
   * @param connected the GitLab instances the sign-in connected (empty when not known)
   */
  record Grant(String grantId, List<String> scopes, List<String> connected) implements CredentialHandle {

    public Grant {
      Objects.requireNonNull(grantId, "grantId");
      scopes = List.copyOf(scopes);
      connected = connected == null ? List.of() : List.copyOf(connected);
    }

    public Grant(String grantId, List<String> scopes) {
      this(grantId, scopes, List.of());
    }

    /** Whether the grant may call tools that change GitLab data. */
    public boolean mayWrite() {
      return scopes.contains("api");
    }
  }

  ServerToken SERVER = new ServerToken();
}
