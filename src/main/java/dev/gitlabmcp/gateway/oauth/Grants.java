package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.state.GrantRecord;
import dev.gitlabmcp.gateway.state.GrantStore;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * {@link GrantService} over a {@link GrantStore}. A grant is <em>pending</em> (no refresh hash, expiring after
 * {@link Lifetimes#pendingMillis}) until its code is redeemed; from then on it lives {@link Lifetimes#grantMillis}
 * since its last refresh. Refresh tokens are {@code gmr_<grantId>.<random>}, stored only as keyed hashes and
 * rotated on every use; a spent one presented again removes the grant (RFC 9700 §4.14.2 reuse detection).
 * Access tokens are {@link AccessTokens}: never stored, checked by MAC, and against a per-replica cache of
 * the grant's liveness ({@link #live}) so a revocation takes effect within {@link Lifetimes#livenessMillis}
 * everywhere and at once on the replica that revoked.
 */
public final class Grants implements GrantService {

  /**
   * @param pendingMillis how long a created grant waits for its code exchange
   * @param grantMillis how long a grant lives after its last refresh (the refresh token's lifetime)
   * @param accessMillis lifetime of a gateway access token
   * @param livenessMillis how long a replica trusts a grant it read as live before reading it again
   */
  public record Lifetimes(long pendingMillis, long grantMillis, long accessMillis, long livenessMillis) {

    public static final Lifetimes DEFAULTS = new Lifetimes(600_000L, 30L * 86_400_000L, 3_600_000L, 15_000L);

    public Lifetimes {
      if (pendingMillis <= 0 || grantMillis <= 0 || accessMillis <= 0 || livenessMillis < 0) {
        throw new IllegalArgumentException("grant lifetimes must be positive");
      }
    }
  }

  static final String REFRESH_PREFIX = "gmr_";
  static final String REFRESH_PURPOSE = "refresh";
  /** Rotated-out refresh hashes kept per grant for reuse detection. */
  static final int SPENT_KEPT = 20;
  private static final int CACHE_MAX = 50_000;
  private static final int CAS_ATTEMPTS = 5;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /**
   * A grant version this replica read or wrote, and its GitLab tokens once opened for a call: kept in the clear
   * only as long as this entry (at most {@link Lifetimes#livenessMillis} before the grant is read again, and gone
   * when it is revoked, replaced or forgotten), so a call does not decrypt the sealed tokens each time.
   */
  private record Cached(GrantRecord grant, long readAt,
                        AtomicReference<Map<String, ConnectedInstance>> opened) {

    Cached(GrantRecord grant, long readAt) {
      this(grant, readAt, new AtomicReference<>());
    }
  }

  private final GrantStore store;
  private final KeyRing keyRing;
  private final LongSupplier clock;
  private final Lifetimes lifetimes;
  private final AccessTokens accessTokens;
  private final SealedTokens sealed;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public Grants(GrantStore store, KeyRing keyRing, LongSupplier clock, Lifetimes lifetimes) {
    this.store = store;
    this.keyRing = keyRing;
    this.clock = clock;
    this.lifetimes = lifetimes;
    this.accessTokens = new AccessTokens(keyRing);
    this.sealed = new SealedTokens(keyRing);
  }

  public Lifetimes lifetimes() {
    return lifetimes;
  }

  public AccessTokens accessTokens() {
    return accessTokens;
  }

  GrantStore store() {
    return store;
  }

  SealedTokens sealed() {
    return sealed;
  }

  LongSupplier clock() {
    return clock;
  }

  @Override
  public Future<String> create(String clientId, List<String> scopes, String resource,
                               List<ConnectedInstance> instances) {
    if (instances == null || instances.isEmpty()) {
      return Future.failedFuture(OAuthError.invalidRequest("a grant connects at least one GitLab instance"));
    }
    String id = random(18);
    List<String> names = instances.stream().map(ConnectedInstance::instance).distinct().toList();
    ConnectedInstance first = instances.get(0);
    KeyRing.Sealed s = sealed.seal(id, instances);
    long now = clock.getAsLong();
    GrantRecord g = new GrantRecord(id, first.instance() + ":" + first.userId(), first.username(), clientId,
        List.copyOf(new LinkedHashSet<>(scopes)), resource, names, s.keyId(), s.text(), "", List.of(), 1, now,
        now + lifetimes.pendingMillis());
    return store.create(g).map(v -> id);
  }

  @Override
  public Future<IssuedTokens> redeem(String grantId, String clientId) {
    return store.get(grantId).compose(g -> {
      if (g == null || !g.clientId().equals(clientId) || !g.refreshHash().isEmpty()) {
        return Future.failedFuture(OAuthError.invalidGrant("the authorization code is invalid, used or expired"));
      }
      String refresh = newRefreshToken(g.id());
      GrantRecord next = g.next(g.keyId(), g.sealedTokens(), keyRing.hash(REFRESH_PURPOSE, refresh), List.of(),
          g.instances(), clock.getAsLong() + lifetimes.grantMillis());
      return store.replace(next).compose(stored -> stored
          ? Future.succeededFuture(issue(remember(next), g.scopes(), refresh))
          : Future.failedFuture(OAuthError.invalidGrant("the authorization code is invalid, used or expired")));
    });
  }

  @Override
  public Future<IssuedTokens> refresh(String refreshToken, String clientId, List<String> requestedScopes) {
    String grantId = grantIdOfRefresh(refreshToken);
    if (grantId == null) {
      return Future.failedFuture(OAuthError.invalidGrant("the refresh token is invalid"));
    }
    return store.get(grantId).compose(g -> rotate(g, refreshToken, clientId, requestedScopes, CAS_ATTEMPTS));
  }

  private Future<IssuedTokens> rotate(GrantRecord g, String presented, String clientId, List<String> requested,
                                      int attempts) {
    if (g == null || g.refreshHash().isEmpty()) {
      return Future.failedFuture(OAuthError.invalidGrant("the refresh token is invalid, expired or revoked"));
    }
    if (!g.clientId().equals(clientId)) {
      return Future.failedFuture(OAuthError.invalidGrant("the refresh token was issued to another client"));
    }
    if (!keyRing.matches(REFRESH_PURPOSE, presented, g.refreshHash())) {
      boolean spent = g.spentRefreshHashes().stream().anyMatch(h -> keyRing.matches(REFRESH_PURPOSE, presented, h));
      if (!spent) {
        return Future.failedFuture(OAuthError.invalidGrant("the refresh token is invalid"));
      }
      // A rotated-out token again: a copy is in someone else's hands. End the grant for both.
      return revokeGrant(g.id()).compose(v -> Future.failedFuture(OAuthError.invalidGrant(
          "the refresh token was already used; the authorization is revoked, sign in again")));
    }
    List<String> scopes = requested == null || requested.isEmpty() ? g.scopes() : requested;
    if (!g.scopes().containsAll(scopes)) {
      return Future.failedFuture(OAuthError.invalidScope("the requested scope exceeds what was granted: "
          + String.join(" ", g.scopes())));
    }
    String next = newRefreshToken(g.id());
    List<String> spent = new ArrayList<>(g.spentRefreshHashes());
    spent.add(g.refreshHash());
    while (spent.size() > SPENT_KEPT) {
      spent.remove(0);
    }
    GrantRecord updated = g.next(g.keyId(), g.sealedTokens(), keyRing.hash(REFRESH_PURPOSE, next), spent,
        g.instances(), clock.getAsLong() + lifetimes.grantMillis());
    return store.replace(updated).compose(stored -> {
      if (stored) {
        return Future.succeededFuture(issue(remember(updated), scopes, next));
      }
      if (attempts <= 1) {
        return Future.failedFuture(OAuthError.serverError("the authorization is busy; try again"));
      }
      // Another writer (a GitLab token refresh, or this token twice) got there first: decide on what is stored now.
      return store.get(g.id()).compose(now -> rotate(now, presented, clientId, requested, attempts - 1));
    });
  }

  @Override
  public Future<Void> revoke(String token, String clientId) {
    String grantId;
    if (AccessTokens.looksLikeOne(token)) {
      AccessTokens.Claims c = accessTokens.verify(token);
      if (c == null || !c.clientId().equals(clientId)) {
        return Future.succeededFuture();
      }
      grantId = c.grantId();
    } else {
      grantId = grantIdOfRefresh(token);
      if (grantId == null) {
        return Future.succeededFuture();
      }
    }
    return store.get(grantId).compose(g -> {
      if (g == null || !g.clientId().equals(clientId)) {
        return Future.succeededFuture();
      }
      boolean ours = AccessTokens.looksLikeOne(token) || keyRing.matches(REFRESH_PURPOSE, token, g.refreshHash())
          || g.spentRefreshHashes().stream().anyMatch(h -> keyRing.matches(REFRESH_PURPOSE, token, h));
      return ours ? revokeGrant(g.id()) : Future.succeededFuture();
    });
  }

  @Override
  public Future<Void> revokeGrant(String grantId) {
    cache.remove(grantId);
    return store.remove(grantId).onComplete(ar -> cache.remove(grantId)).mapEmpty();
  }

  /**
   * The redeemed, unexpired grant {@code grantId}, or null: from this replica's cache when it was read less
   * than {@link Lifetimes#livenessMillis} ago, else from the store.
   */
  public Future<GrantRecord> live(String grantId) {
    long now = clock.getAsLong();
    Cached c = cache.get(grantId);
    if (c != null && now - c.readAt() < lifetimes.livenessMillis() && c.grant().expiresAt() > now) {
      return Future.succeededFuture(c.grant());
    }
    return fresh(grantId);
  }

  /** The grant as stored now (bypassing the cache, refreshing it). */
  public Future<GrantRecord> fresh(String grantId) {
    return store.get(grantId).map(g -> {
      if (g == null || g.refreshHash().isEmpty()) {
        cache.remove(grantId);
        return null;
      }
      return remember(g);
    });
  }

  /**
   * The GitLab side of {@code g} in the clear: opened once per cached grant version, else opened now.
   *
   * @throws KeyRing.CannotOpen when the sealed tokens do not open (the key changed)
   */
  Map<String, ConnectedInstance> opened(GrantRecord g) {
    Cached c = cache.get(g.id());
    if (c == null || c.grant() != g) {
      return sealed.open(g);
    }
    Map<String, ConnectedInstance> o = c.opened().get();
    if (o == null) {
      o = Collections.unmodifiableMap(sealed.open(g));
      c.opened().set(o);
    }
    return o;
  }

  /** Forgets this replica's cached view of a grant (another replica revoked or changed it). */
  public void forget(String grantId) {
    cache.remove(grantId);
  }

  /** Records a grant version this replica wrote or read, unless a newer one is cached already. */
  GrantRecord remember(GrantRecord g) {
    if (cache.size() >= CACHE_MAX) {
      cache.clear(); // bounded: a cold cache costs one store read per grant
    }
    cache.merge(g.id(), new Cached(g, clock.getAsLong()),
        (old, neu) -> old.grant().version() > neu.grant().version() ? old : neu);
    return g;
  }

  private IssuedTokens issue(GrantRecord g, List<String> scopes, String refresh) {
    long exp = clock.getAsLong() + lifetimes.accessMillis();
    String access = accessTokens.mint(new AccessTokens.Claims(g.id(), g.clientId(), scopes, g.resource(), exp));
    return new IssuedTokens(access, refresh, lifetimes.accessMillis() / 1000, scopes, g.resource());
  }

  private static String newRefreshToken(String grantId) {
    return REFRESH_PREFIX + grantId + "." + random(32);
  }

  /** The grant id inside a refresh token of ours, or null when it is not one. */
  static String grantIdOfRefresh(String token) {
    if (token == null || !token.startsWith(REFRESH_PREFIX) || token.length() > 512) {
      return null;
    }
    int dot = token.indexOf('.', REFRESH_PREFIX.length());
    return dot <= REFRESH_PREFIX.length() ? null : token.substring(REFRESH_PREFIX.length(), dot);
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return B64.encodeToString(b);
  }
}
