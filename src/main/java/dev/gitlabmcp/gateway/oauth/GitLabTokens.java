package dev.gitlabmcp.gateway.oauth;

/**
 * A GitLab OAuth token pair for one instance, as GitLab's {@code /oauth/token} returned it. Held in clear
 * only in memory while in use; stores keep it sealed. {@link #toString} never shows the tokens.
 *
 * @param expiresAt epoch millis when the access token expires (GitLab: 2 hours after issue)
 * @param scope the scopes GitLab granted, space-separated
 */
public record GitLabTokens(String accessToken, String refreshToken, long expiresAt, String scope) {

  @Override
  public String toString() {
    return "GitLabTokens[expiresAt=" + expiresAt + ", scope=" + scope + "]";
  }
}
