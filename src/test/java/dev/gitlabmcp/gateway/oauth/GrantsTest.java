package dev.gitlabmcp.gateway.oauth;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.state.GrantRecord;
import dev.gitlabmcp.gateway.state.MemoryGrantStore;
import dev.gitlabmcp.gateway.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GrantsTest {

  static final String CLIENT = "https://client.example/meta.json";
  static final String RESOURCE = "https://gw.example/mcp";
  static final GitLabTokens GL = new GitLabTokens("glpat-access-AAAAAAAAAAAAAAAA", "glrt-refresh-BBBBBBBBBBBB",
      1_750_000_000_000L + 7_200_000L, "api");

  final ManualClock clock = new ManualClock();
  final MemoryGrantStore store = new MemoryGrantStore(clock::millis);
  final KeyRing keys = KeyRing.forThisProcess();
  final Grants grants = new Grants(store, keys, clock::millis, Grants.Lifetimes.DEFAULTS);

  String newGrant(List<String> scopes) {
    return await(grants.create(CLIENT, scopes, RESOURCE, List.of(new ConnectedInstance("main", 42, "alice", GL))));
  }

  static void assertOAuthError(Runnable r, String error) {
    assertEquals(error, assertThrows(OAuthError.class, r::run).error());
  }

  @Test
  void should_redeem_a_pending_grant_exactly_once() {
    String id = newGrant(List.of("api"));
    IssuedTokens t = await(grants.redeem(id, CLIENT));
    assertTrue(t.accessToken().startsWith("gma_"));
    assertTrue(t.refreshToken().startsWith("gmr_" + id + "."));
    assertEquals(3600, t.expiresInSeconds());
    assertEquals(RESOURCE, t.resource());
    assertOAuthError(() -> await(grants.redeem(id, CLIENT)), "invalid_grant");
    AccessTokens.Claims c = grants.accessTokens().verify(t.accessToken());
    assertEquals(id, c.grantId());
    assertEquals(CLIENT, c.clientId());
    assertEquals(List.of("api"), c.scopes());
    assertEquals(RESOURCE, c.resource());
    assertEquals("main:42", await(grants.live(id)).subject());
  }

  @Test
  void should_open_a_cached_grants_tokens_once_and_drop_them_with_the_grant() {
    String id = newGrant(List.of("api"));
    await(grants.redeem(id, CLIENT));
    GrantRecord g = await(grants.live(id));
    java.util.Map<String, ConnectedInstance> first = grants.opened(g);
    assertEquals(GL.accessToken(), first.get("main").tokens().accessToken());
    assertSame(first, grants.opened(g), "the cached version's tokens are not decrypted again");
    clock.advance(Duration.ofSeconds(16)); // past the liveness window: read again, opened again
    GrantRecord again = await(grants.live(id));
    assertNotSame(first, grants.opened(again));
    await(grants.revokeGrant(id));
    assertNull(await(grants.live(id)));
    assertNotSame(grants.opened(again), grants.opened(again), "nothing kept for a revoked grant");
  }

  @Test
  void should_refuse_redeeming_for_another_client_or_after_the_pending_time() {
    String id = newGrant(List.of("api"));
    assertOAuthError(() -> await(grants.redeem(id, "other-client")), "invalid_grant");
    clock.advance(Duration.ofMinutes(11));
    assertOAuthError(() -> await(grants.redeem(id, CLIENT)), "invalid_grant");
  }

  @Test
  void should_rotate_refresh_tokens_and_revoke_the_grant_when_a_spent_one_comes_back() {
    String id = newGrant(List.of("api", "read_api"));
    IssuedTokens first = await(grants.redeem(id, CLIENT));
    IssuedTokens second = await(grants.refresh(first.refreshToken(), CLIENT, List.of()));
    assertNotEquals(first.refreshToken(), second.refreshToken());
    assertEquals(List.of("api", "read_api"), second.scopes());
    IssuedTokens third = await(grants.refresh(second.refreshToken(), CLIENT, List.of("read_api")));
    assertEquals(List.of("read_api"), third.scopes());

    assertOAuthError(() -> await(grants.refresh(first.refreshToken(), CLIENT, List.of())), "invalid_grant");
    assertNull(await(store.get(id)));
    assertOAuthError(() -> await(grants.refresh(third.refreshToken(), CLIENT, List.of())), "invalid_grant");
    assertNull(await(grants.live(id)));
  }

  @Test
  void should_refuse_a_refresh_for_another_client_or_more_scope() {
    String id = newGrant(List.of("read_api"));
    IssuedTokens t = await(grants.redeem(id, CLIENT));
    assertOAuthError(() -> await(grants.refresh(t.refreshToken(), "other-client", List.of())), "invalid_grant");
    assertOAuthError(() -> await(grants.refresh(t.refreshToken(), CLIENT, List.of("api"))), "invalid_scope");
    assertOAuthError(() -> await(grants.refresh("gmr_nope.x", CLIENT, List.of())), "invalid_grant");
    assertOAuthError(() -> await(grants.refresh("garbage", CLIENT, List.of())), "invalid_grant");
    // none of that spent the token
    assertTrue(await(grants.refresh(t.refreshToken(), CLIENT, List.of())).accessToken().startsWith("gma_"));
  }

  @Test
  void should_end_the_grant_when_revoked_by_access_or_refresh_token_of_its_own_client_only() {
    String a = newGrant(List.of("api"));
    IssuedTokens ta = await(grants.redeem(a, CLIENT));
    await(grants.revoke(ta.accessToken(), "other-client"));
    assertNotNull(await(grants.live(a)));
    await(grants.revoke(ta.accessToken(), CLIENT));
    assertNull(await(grants.live(a)));

    String b = newGrant(List.of("api"));
    IssuedTokens tb = await(grants.redeem(b, CLIENT));
    await(grants.revoke("unknown-token", CLIENT));
    await(grants.revoke(tb.refreshToken(), "other-client"));
    assertNotNull(await(grants.live(b)));
    await(grants.revoke(tb.refreshToken(), CLIENT));
    assertNull(await(grants.live(b)));
    assertOAuthError(() -> await(grants.refresh(tb.refreshToken(), CLIENT, List.of())), "invalid_grant");
  }

  @Test
  void should_refuse_tampered_and_foreign_access_tokens_and_tell_expired_ones() {
    String id = newGrant(List.of("read_api"));
    IssuedTokens t = await(grants.redeem(id, CLIENT));
    String tok = t.accessToken();
    int dot = tok.lastIndexOf('.');
    String payload = tok.substring(4, dot);
    String forged = new String(java.util.Base64.getUrlDecoder().decode(payload)).replace("read_api", "api");
    String tampered = "gma_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes())
        + tok.substring(dot);
    assertNull(grants.accessTokens().verify(tampered));
    assertNull(grants.accessTokens().verify(tok.substring(0, tok.length() - 2) + "AA"));
    Grants elsewhere = new Grants(store, KeyRing.forThisProcess(), clock::millis, Grants.Lifetimes.DEFAULTS);
    assertNull(elsewhere.accessTokens().verify(tok));

    assertFalse(grants.accessTokens().verify(tok).expired(clock.millis()));
    clock.advance(Duration.ofMinutes(61));
    assertTrue(grants.accessTokens().verify(tok).expired(clock.millis()));
  }

  @Test
  void should_keep_tokens_of_an_older_key_valid_after_rotation() {
    byte[] oldKey = KeyRing.generate();
    Grants before = new Grants(store, KeyRing.of(List.of(oldKey)), clock::millis, Grants.Lifetimes.DEFAULTS);
    String id = await(before.create(CLIENT, List.of("api"), RESOURCE,
        List.of(new ConnectedInstance("main", 42, "alice", GL))));
    IssuedTokens t = await(before.redeem(id, CLIENT));
    Grants after = new Grants(store, KeyRing.of(List.of(KeyRing.generate(), oldKey)), clock::millis,
        Grants.Lifetimes.DEFAULTS);
    assertNotNull(after.accessTokens().verify(t.accessToken()));
    assertEquals(GL, after.sealed().open(await(store.get(id))).get("main").tokens());
    assertTrue(await(after.refresh(t.refreshToken(), CLIENT, List.of())).accessToken().startsWith("gma_"));
  }

  @Test
  void should_store_no_token_in_clear() {
    String id = newGrant(List.of("api"));
    IssuedTokens t = await(grants.redeem(id, CLIENT));
    IssuedTokens r = await(grants.refresh(t.refreshToken(), CLIENT, List.of()));
    GrantRecord g = await(store.get(id));
    String raw = g.toString();
    for (String secret : List.of(GL.accessToken(), GL.refreshToken(), t.accessToken(), t.refreshToken(),
        r.accessToken(), r.refreshToken(), "glpat-access", "glrt-refresh", t.refreshToken().substring(5 + id.length()),
        r.refreshToken().substring(5 + id.length()))) {
      assertFalse(raw.contains(secret));
    }
    assertTrue(g.refreshHash().startsWith(keys.newestKeyId() + "."));
    assertEquals(keys.newestKeyId(), g.keyId());
    // sealed to this grant: the same blob on another grant id does not open
    GrantRecord moved = new GrantRecord("other", g.subject(), g.username(), g.clientId(), g.scopes(), g.resource(),
        g.instances(), g.keyId(), g.sealedTokens(), g.refreshHash(), g.spentRefreshHashes(), 1, 0, Long.MAX_VALUE);
    assertThrows(KeyRing.CannotOpen.class, () -> grants.sealed().open(moved));
    assertEquals(GL, grants.sealed().open(g).get("main").tokens());
  }

  @Test
  void should_end_the_grant_after_its_lifetime_without_refresh() {
    String id = newGrant(List.of("api"));
    IssuedTokens t = await(grants.redeem(id, CLIENT));
    clock.advance(Duration.ofDays(29));
    IssuedTokens r = await(grants.refresh(t.refreshToken(), CLIENT, List.of()));
    clock.advance(Duration.ofDays(29));
    IssuedTokens r2 = await(grants.refresh(r.refreshToken(), CLIENT, List.of()));
    clock.advance(Duration.ofDays(31));
    assertOAuthError(() -> await(grants.refresh(r2.refreshToken(), CLIENT, List.of())), "invalid_grant");
  }
}
