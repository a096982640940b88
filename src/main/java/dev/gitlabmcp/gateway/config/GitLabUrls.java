package dev.gitlabmcp.gateway.config;

/** Shows URLs without the credentials someone may have put in them. */
public final class GitLabUrls {

  private GitLabUrls() {
  }

  public static String mask(String url) {
    return ConfigLoader.maskUserInfo(url);
  }
}
