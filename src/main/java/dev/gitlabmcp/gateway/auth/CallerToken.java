package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.gitlab.Credential;
import io.vertx.core.MultiMap;
import java.util.regex.Pattern;

/**
 * The GitLab token a caller sent in remote-authorization mode: from {@code Authorization: Bearer},
 * {@code Private-Token} or {@code JOB-TOKEN}, checked for shape before anything is asked of GitLab.
 */
public record CallerToken(Credential credential, String problem) {

  static final int MIN_LENGTH = 20;
  private static final Pattern CHARS = Pattern.compile("[A-Za-z0-9_.\\-]+");

  /** No token header at all. */
  public static final CallerToken MISSING = new CallerToken(null, null);

  public boolean missing() {
    return credential == null && problem == null;
  }

  public boolean malformed() {
    return problem != null;
  }

  public static CallerToken from(MultiMap headers) {
    String auth = headers.get("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return check(Credential.Kind.BEARER, auth.substring(7).trim());
    }
    String priv = headers.get("Private-Token");
    if (priv != null) {
      return check(Credential.Kind.PRIVATE_TOKEN, priv.trim());
    }
    String job = headers.get("JOB-TOKEN");
    if (job != null) {
      return check(Credential.Kind.JOB_TOKEN, job.trim());
    }
    if (auth != null) {
      return new CallerToken(null, "the Authorization header must use the Bearer scheme");
    }
    return MISSING;
  }

  static CallerToken check(Credential.Kind kind, String token) {
    if (token.length() < MIN_LENGTH) {
      return new CallerToken(null, "a GitLab token has at least " + MIN_LENGTH + " characters");
    }
    if (!CHARS.matcher(token).matches()) {
      return new CallerToken(null, "a GitLab token contains only letters, digits, '_', '.' and '-'");
    }
    return new CallerToken(new Credential(kind, new Secret(token)), null);
  }
}
