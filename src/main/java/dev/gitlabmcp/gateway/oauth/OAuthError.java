package dev.gitlabmcp.gateway.oauth;

/**
 * An OAuth error answer (RFC 6749 §5.2 shape): the {@code error} code, a human description (never a token),
 * and the HTTP status it goes out with.
 */
public final class OAuthError extends RuntimeException {

  private final String error;
  private final int status;

  public OAuthError(int status, String error, String description) {
    super(description, null, false, false);
    this.status = status;
    this.error = error;
  }

  public static OAuthError invalidRequest(String description) {
    return new OAuthError(400, "invalid_request", description);
  }

  public static OAuthError invalidGrant(String description) {
    return new OAuthError(400, "invalid_grant", description);
  }

  public static OAuthError invalidClient(String description) {
    return new OAuthError(401, "invalid_client", description);
  }

  public static OAuthError invalidScope(String description) {
    return new OAuthError(400, "invalid_scope", description);
  }

  public static OAuthError serverError(String description) {
    return new OAuthError(503, "temporarily_unavailable", description);
  }

  public String error() {
    return error;
  }

  public int status() {
    return status;
  }

  public String description() {
    return getMessage();
  }
}
