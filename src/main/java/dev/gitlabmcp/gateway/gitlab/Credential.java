package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a GitLab request is authenticated. Immutable, compared by kind and value like a record; a class
 * only so that it can keep its {@link #fingerprint()} once computed.
 */
public final class Credential {

  public enum Kind {
    /** No credential: public data only. */
    NONE,
    /** Personal, project or group access token: PRIVATE-TOKEN header. */
    PRIVATE_TOKEN,
    /** OAuth access token: Authorization: Bearer. */
    BEARER,
    /** CI job token: JOB-TOKEN header. */
    JOB_TOKEN
  }

  public static final Credential ANONYMOUS = new Credential(Kind.NONE, Secret.NONE);

  /** The fingerprint of every anonymous call: GitLab counts them by address, and they share the gateway's. */
  static final String ANONYMOUS_FINGERPRINT = "anonymous";

  /** Per process, never stored: a fingerprint means nothing outside this process and reveals nothing. */
  private static final SecretKeySpec FINGERPRINT_KEY = fingerprintKey();
  private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(Credential::newMac);
  static {
    newMac(); // fail when the class loads, not on an event loop's first call
  }

  private final Kind kind;
  private final Secret secret;
  private volatile String fingerprint;

  public Credential(Kind kind, Secret secret) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.secret = secret == null ? Secret.NONE : secret;
    if (kind != Kind.NONE && !this.secret.isSet()) {
      throw new IllegalArgumentException("a " + kind + " credential needs a value");
    }
  }

  public static Credential privateToken(Secret token) {
    return token.isSet() ? new Credential(Kind.PRIVATE_TOKEN, token) : ANONYMOUS;
  }

  public Kind kind() {
    return kind;
  }

  public Secret secret() {
    return secret;
  }

  /**
   * A short stand-in for this credential, for keying per-caller state (GitLab-derived slow-downs)
   * without keeping tokens as keys: HMAC-SHA-256 under a random per-process key, 128 bits, base64url.
   * Equal credentials have equal fingerprints; computed once per object.
   */
  public String fingerprint() {
    String f = fingerprint;
    if (f == null) {
      f = kind == Kind.NONE ? ANONYMOUS_FINGERPRINT : hmac(kind.name() + ':' + secret.reveal());
      fingerprint = f;
    }
    return f;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Credential c && kind == c.kind && secret.equals(c.secret);
  }

  @Override
  public int hashCode() {
    return 31 * kind.hashCode() + secret.hashCode();
  }

  @Override
  public String toString() {
    return "Credential[" + kind + "]";
  }

  private static String hmac(String value) {
    // doFinal resets the MAC for the next use; one per thread, made once (no provider lookup per call).
    byte[] full = MACS.get().doFinal(value.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, 16));
  }

  private static Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(FINGERPRINT_KEY);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** A random key per process. */
  private static SecretKeySpec fingerprintKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new SecretKeySpec(key, "HmacSHA256");
  }
}
