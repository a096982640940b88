package dev.gitlabmcp.gateway.oauth;

import java.util.List;

/**
 * What the gateway's {@code /oauth/token} answers: an opaque access token bound to client, grant, scopes
 * and resource, and a rotating refresh token. {@link #toString} never shows the tokens.
 */
public record IssuedTokens(String accessToken, String refreshToken, long expiresInSeconds, List<String> scopes,
                           String resource) {

  @Override
  public String toString() {
    return "IssuedTokens[expiresIn=" + expiresInSeconds + ", scopes=" + scopes + ", resource=" + resource + "]";
  }
}
