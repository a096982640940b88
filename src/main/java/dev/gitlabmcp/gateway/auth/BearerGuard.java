package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks the MCP-layer bearer token (MCP_AUTH_TOKEN). Compares SHA-256 digests with
 * MessageDigest.isEqual, so neither the length nor the content leaks through timing.
 */
public final class BearerGuard {

  private final byte[] expected;

  public BearerGuard(Secret token) {
    this.expected = token.isSet() ? sha256(token.reveal()) : null;
  }

  public boolean enabled() {
    return expected != null;
  }

  /** Whether the Authorization header carries the configured token; true when none is configured. */
  public boolean accepts(String authorizationHeader) {
    if (expected == null) {
      return true;
    }
    if (authorizationHeader == null || authorizationHeader.length() < 8
        || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(expected, sha256(authorizationHeader.substring(7).trim()));
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
