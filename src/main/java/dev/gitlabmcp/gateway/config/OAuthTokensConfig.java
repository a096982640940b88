package dev.gitlabmcp.gateway.config;

/**
 * Lifetimes and margins of the tokens of sign in with GitLab (docs/oauth.md, "Tokens").
 *
 * @param accessTokenSeconds lifetime of a gateway access token
 * @param grantDays a grant (its refresh token) ends this many days after its last refresh
 * @param refreshMarginSeconds a GitLab access token expiring within this is refreshed before the call
 * @param grantCheckSeconds how long a replica trusts a grant it read as live (bounds how late another
 *     replica sees a revocation)
 */
public record OAuthTokensConfig(int accessTokenSeconds, int grantDays, int refreshMarginSeconds,
                                int grantCheckSeconds) {

  public static final OAuthTokensConfig DEFAULTS = new OAuthTokensConfig(3600, 30, 300, 15);
}
