package dev.gitlabmcp.gateway.oauth;

/**
 * One GitLab instance a user connected in an authorization: who they are there and the tokens GitLab gave.
 *
 * @param instance the instance name ({@code conf/instances.json})
 * @param userId the GitLab user id on that instance ({@code /api/v4/user})
 */
public record ConnectedInstance(String instance, long userId, String username, GitLabTokens tokens) {
}
