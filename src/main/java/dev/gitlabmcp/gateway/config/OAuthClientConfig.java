package dev.gitlabmcp.gateway.config;

import java.util.List;

/**
 * The gateway as an OAuth client of one GitLab instance.
 *
 * @param clientId the application id registered in GitLab (empty: OAuth not configured)
 * @param scopes scopes to ask for
 * @param clientSecret from GITLAB_OAUTH_CLIENT_SECRET_&lt;NAME&gt; (or its _FILE), never from the instances file
 */
public record OAuthClientConfig(String clientId, List<String> scopes, Secret clientSecret) {

  public static final OAuthClientConfig NONE = new OAuthClientConfig("", List.of("api"), Secret.NONE);

  public OAuthClientConfig {
    clientId = clientId == null ? "" : clientId;
    scopes = List.copyOf(scopes);
    clientSecret = clientSecret == null ? Secret.NONE : clientSecret;
  }

  public boolean configured() {
    return !clientId.isEmpty();
  }
}
