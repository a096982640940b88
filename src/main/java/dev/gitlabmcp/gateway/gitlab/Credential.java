package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.config.Secret;
import java.util.Objects;

/** How a GitLab request is authenticated. */
public record Credential(Kind kind, Secret secret) {

  public enum Kind {
    /** No credential: public data only. */
    NONE,
    /** Personal, project or group access token: PRIVATE-TOKEN header. */
    PRIVATE_TOKEN,
    /** OAuth access token: Authorization: Bearer. */
    BEARER,
    /** CI job token: JOB-TOKEN header. */
    JOB_TOKEN
  }

  public static final Credential ANONYMOUS = new Credential(Kind.NONE, Secret.NONE);

  public Credential {
    Objects.requireNonNull(kind, "kind");
    secret = secret == null ? Secret.NONE : secret;
    if (kind != Kind.NONE && !secret.isSet()) {
      throw new IllegalArgumentException("a " + kind + " credential needs a value");
    }
  }

  public static Credential privateToken(Secret token) {
    return token.isSet() ? new Credential(Kind.PRIVATE_TOKEN, token) : ANONYMOUS;
  }

  @Override
  public String toString() {
    return "Credential[" + kind + "]";
  }
}
