package dev.gitlabmcp.gateway.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The token that opens the views holding internal addresses ({@code /health?detail=true}, the GitLab
 * URLs of {@code /metrics.json}): HEALTH_DETAIL_TOKEN, else MCP_AUTH_TOKEN. Without either those views
 * stay closed. Only the SHA-256 digest is kept; comparing digests with MessageDigest.isEqual leaks
 * neither the length nor the content through timing.
 */
public final class DetailToken {

  /** No token configured: the detail views are closed to everyone. */
  public static final DetailToken NONE = new DetailToken(null);

  private final byte[] expected;

  private DetailToken(byte[] expected) {
    this.expected = expected;
  }

  /** A token from configuration; null or blank means none. */
  public static DetailToken of(String token) {
    return token == null || token.isBlank() ? NONE : new DetailToken(sha256(token.trim()));
  }

  public boolean configured() {
    return expected != null;
  }

  /** Whether the Authorization header is {@code Bearer <the token>}; always false when none is configured. */
  public boolean accepts(String authorizationHeader) {
    if (expected == null || authorizationHeader == null || authorizationHeader.length() < 8
        || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(expected, sha256(authorizationHeader.substring(7).trim()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return configured() ? "DetailToken[set]" : "DetailToken[none]";
  }
}
