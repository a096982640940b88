package dev.gitlabmcp.gateway.oauth;

import io.vertx.core.Future;
import java.util.List;

/**
 * The authorization server's grants: created after the GitLab sign-in(s), redeemed once by the code
 * exchange, refreshed with rotation, revoked. GitLab tokens go into the grant store sealed; gateway tokens
 * are never stored (access tokens are verified by MAC, refresh tokens kept as keyed hashes). Failures are
 * {@link OAuthError}s.
 */
public interface GrantService {

  /**
   * Creates a pending grant holding the sealed GitLab tokens of each connected instance (the first is the
   * default one); returns its id. A pending grant expires after a few minutes unless {@link #redeem}ed.
   */
  Future<String> create(String clientId, List<String> scopes, String resource, List<ConnectedInstance> instances);

  /** The code exchange: the first tokens of a pending grant; {@code invalid_grant} when already redeemed or gone. */
  Future<IssuedTokens> redeem(String grantId, String clientId);

  /**
   * The refresh_token grant: a new access token and a new refresh token, the presented one spent. A spent
   * token presented again revokes the whole grant. {@code requestedScopes} empty means the grant's scopes;
   * more than the grant holds is {@code invalid_scope}.
   */
  Future<IssuedTokens> refresh(String refreshToken, String clientId, List<String> requestedScopes);

  /** RFC 7009: revokes the grant of an access or refresh token issued to {@code clientId}; unknown tokens succeed. */
  Future<Void> revoke(String token, String clientId);

  /** Revokes a grant by id (for instance when its authorization code is presented twice). */
  Future<Void> revokeGrant(String grantId);
}
