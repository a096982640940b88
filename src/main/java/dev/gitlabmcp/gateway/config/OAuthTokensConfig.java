package dev.gitlabmcp.gateway.config;

import java.util.Map;

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

  /** From the loaded settings table. */
  static OAuthTokensConfig of(Map<Setting, Object> t) {
    return new OAuthTokensConfig(seconds(t, Settings.OAUTH_ACCESS_TOKEN_SECONDS), seconds(t, Settings.OAUTH_GRANT_DAYS),
        seconds(t, Settings.OAUTH_REFRESH_MARGIN_SECONDS), seconds(t, Settings.OAUTH_GRANT_CHECK_SECONDS));
  }

  private static int seconds(Map<Setting, Object> t, Setting s) {
    return ((Long) t.get(s)).intValue();
  }
}
