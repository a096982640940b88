package dev.gitlabmcp.gateway.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** PKCE with S256 only (RFC 7636): the client's challenge checked, and the gateway's own pair towards GitLab. */
final class Pkce {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Pkce() {
  }

  /** A random base64url value of {@code bytes} bytes: verifiers, states, codes, flow ids. */
  static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String challengeOf(String verifier) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RFC 7636 §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~]. */
  static boolean wellFormed(String verifierOrChallenge) {
    if (verifierOrChallenge == null || verifierOrChallenge.length() < 43 || verifierOrChallenge.length() > 128) {
      return false;
    }
    for (int i = 0; i < verifierOrChallenge.length(); i++) {
      char c = verifierOrChallenge.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
          || c == '~')) {
        return false;
      }
    }
    return true;
  }

  static boolean matches(String challenge, String verifier) {
    return wellFormed(verifier) && MessageDigest.isEqual(challengeOf(verifier).getBytes(StandardCharsets.US_ASCII),
        challenge.getBytes(StandardCharsets.US_ASCII));
  }
}
