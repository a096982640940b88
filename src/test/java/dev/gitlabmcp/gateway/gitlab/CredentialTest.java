package dev.gitlabmcp.gateway.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.gitlab.Credential.Kind;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** A credential's fingerprint keys per-caller state without the token ever being a key. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CredentialTest {

  private static final String TOKEN = "glpat-fingerprint-test-0123456789";

  @Test
  void should_give_equal_credentials_one_fingerprint_and_different_ones_different() {
    Credential a = new Credential(Kind.PRIVATE_TOKEN, new Secret(TOKEN));
    Credential same = new Credential(Kind.PRIVATE_TOKEN, new Secret(TOKEN));

    assertEquals(a, same);
    assertEquals(a.fingerprint(), same.fingerprint());
    assertNotEquals(a.fingerprint(), new Credential(Kind.PRIVATE_TOKEN, new Secret(TOKEN + "x")).fingerprint());
    assertNotEquals(a.fingerprint(), new Credential(Kind.BEARER, new Secret(TOKEN)).fingerprint(),
        "the same string as another kind of token is another credential");
  }

  @Test
  void should_not_reveal_the_token_in_its_fingerprint_or_text() {
    Credential c = new Credential(Kind.BEARER, new Secret(TOKEN));

    assertEquals(22, c.fingerprint().length(), "128 bits, base64url");
    assertFalse(c.fingerprint().contains(TOKEN.substring(6, 14)));
    assertEquals("Credential[BEARER]", c.toString());
  }

  @Test
  void should_compute_the_fingerprint_once_per_credential() {
    Credential c = new Credential(Kind.JOB_TOKEN, new Secret(TOKEN));

    assertSame(c.fingerprint(), c.fingerprint());
  }

  @Test
  void should_share_one_fingerprint_for_anonymous_calls() {
    assertEquals(Credential.ANONYMOUS.fingerprint(), Credential.privateToken(Secret.NONE).fingerprint());
  }
}
