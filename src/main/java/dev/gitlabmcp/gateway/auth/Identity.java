package dev.gitlabmcp.gateway.auth;

/** A GitLab user as GitLab confirmed it for a token. Never holds the token itself. */
public record Identity(long userId, String username) {

  public String subject() {
    return "user:" + userId;
  }
}
