package dev.gitlabmcp.gateway.oauth;

/**
 * One GitLab instance a user connected in an authorization: who they are there and the tokens GitLab gave.
 *
 * @param instance the instance name ({@code conf/instances.json})
 * @param userId the GitLab user id on that instance ({@code /api/v4/user})
 * @param appId the client id of the GitLab application the tokens were issued to (empty: not recorded)
 */
public record ConnectedInstance(String instance, long userId, String username, GitLabTokens tokens, String appId) {

  public ConnectedInstance {
    appId = appId == null ? "" : appId;
  }

  /** Connected with an application not recorded (grants made before the application was recorded). */
  public ConnectedInstance(String instance, long userId, String username, GitLabTokens tokens) {
    this(instance, userId, username, tokens, "");
  }
}
