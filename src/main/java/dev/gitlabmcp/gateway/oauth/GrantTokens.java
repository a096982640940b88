package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.auth.CredentialHandle;
import dev.gitlabmcp.gateway.auth.GrantCredentials;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.core.CallerContext;
import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.gitlab.Credential;
import dev.gitlabmcp.gateway.http.HttpProblem;
import dev.gitlabmcp.gateway.state.GrantRecord;
import dev.gitlabmcp.gateway.state.TransientStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GitLab tokens of OAuth grants, resolved just before each call and refreshed when they expire within
 * the margin. GitLab invalidates a pair when it is refreshed, so two refreshes of one pair break each other:
 * a refresh is single-flight per (grant, instance) <em>across replicas</em>. Callers on this replica share
 * one future; the one that runs takes a lock in the {@link TransientStore} (owner value, TTL), re-reads the
 * grant, refreshes only if still needed, writes with compare-and-set (re-reading on a version conflict) and
 * releases. Replicas that find the lock taken poll the grant until the new tokens appear or the lock frees.
 * A refresh GitLab answers {@code invalid_grant} removes the grant: the request answers 401 and the client
 * signs in again.
 */
public final class GrantTokens implements GrantCredentials {

  private static final Logger LOG = LoggerFactory.getLogger(GrantTokens.class);
  static final String LOCK_PREFIX = "oauth:refresh-lock:";
  private static final int WRITE_ATTEMPTS = 8;

  private final Vertx vertx;
  private final Grants grants;
  private final TransientStore locks;
  private final GitLabRefresh gitlab;
  private final Challenges challenges;
  private final long marginMillis;
  private final long lockMillis;
  private final long pollMillis;
  private final Map<String, Future<GitLabTokens>> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong refreshes = new AtomicLong();

  /**
   * @param marginMillis a token expiring within this is refreshed before the call
   * @param lockMillis how long a refresh may hold its lock (longer than GitLab's answer can take)
   * @param pollMillis how often a replica waiting for another's refresh re-reads the grant
   */
  public GrantTokens(Vertx vertx, Grants grants, TransientStore locks, GitLabRefresh gitlab, Challenges challenges,
                     long marginMillis, long lockMillis, long pollMillis) {
    this.vertx = vertx;
    this.grants = grants;
    this.locks = locks;
    this.gitlab = gitlab;
    this.challenges = challenges;
    this.marginMillis = marginMillis;
    this.lockMillis = lockMillis;
    this.pollMillis = pollMillis;
  }

  /** Refreshes this replica asked GitLab for (a metric and a test's witness). */
  public long refreshes() {
    return refreshes.get();
  }

  @Override
  public Future<Credential> resolve(CredentialHandle.Grant grant, String instance) {
    return grants.live(grant.grantId()).compose(g -> {
      GitLabTokens t = tokensOf(g, instance);
      return fresh(t) ? Future.succeededFuture(bearer(t))
          : refreshed(grant.grantId(), instance, t.accessToken()).map(GrantTokens::bearer);
    });
  }

  @Override
  public Future<Credential> afterRejection(CredentialHandle.Grant grant, String instance, Credential rejected) {
    String stale = rejected.secret().reveal();
    return grants.fresh(grant.grantId()).compose(g -> {
      GitLabTokens t = tokensOf(g, instance);
      return !t.accessToken().equals(stale) && fresh(t) ? Future.succeededFuture(bearer(t))
          : refreshed(grant.grantId(), instance, stale).map(GrantTokens::bearer);
    });
  }

  @Override
  public HttpProblem insufficientScope(String instance, String tool) {
    return challenges.insufficientScope(instance, "Tool " + tool + " changes GitLab data, and this sign-in only "
        + "allows reading (scope read_api). Sign in again and allow 'api' to use it.");
  }

  /** The instance's tokens in the grant; a refusal when the grant is gone or does not hold the instance. */
  private GitLabTokens tokensOf(GrantRecord g, String instance) {
    if (g == null) {
      throw challenges.invalidToken(instance, "The sign-in has ended (revoked or expired); sign in again.");
    }
    ConnectedInstance ci;
    try {
      ci = grants.opened(g).get(instance);
    } catch (KeyRing.CannotOpen e) {
      throw challenges.invalidToken(instance, "The sign-in's GitLab tokens can no longer be read (the gateway's "
          + "encryption key changed); sign in again.");
    }
    if (ci == null) {
      throw challenges.invalidToken(instance, "This sign-in did not connect GitLab instance " + instance
          + "; sign in again and choose it.");
    }
    String app = gitlab.clientIdOf(instance);
    if (!ci.appId().isEmpty() && !ci.appId().equals(app)) {
      throw challenges.invalidToken(instance, "The GitLab application of instance " + instance + " changed since "
          + "this sign-in, so its GitLab tokens are no longer used; sign in again through /mcp/" + instance + ".");
    }
    return ci.tokens();
  }

  private boolean fresh(GitLabTokens t) {
    return t.expiresAt() - marginMillis > grants.clock().getAsLong();
  }

  private static Credential bearer(GitLabTokens t) {
    return new Credential(Credential.Kind.BEARER, new Secret(t.accessToken()));
  }

  /** One refresh per (grant, instance) on this replica at a time; its callers share the outcome. */
  private Future<GitLabTokens> refreshed(String grantId, String instance, String stale) {
    String key = grantId + "\n" + instance;
    Promise<GitLabTokens> mine = Promise.promise();
    Future<GitLabTokens> running = inFlight.putIfAbsent(key, mine.future());
    if (running != null) {
      return CallerContext.follow(running);
    }
    underLock(grantId, instance, stale, (int) Math.max(1, lockMillis / pollMillis)).onComplete(ar -> {
      inFlight.remove(key, mine.future());
      mine.handle(ar);
    });
    return CallerContext.follow(mine.future());
  }

  private Future<GitLabTokens> underLock(String grantId, String instance, String stale, int pollsLeft) {
    String lock = LOCK_PREFIX + grantId + ":" + instance;
    String owner = UUID.randomUUID().toString();
    return locks.putIfAbsent(lock, owner, lockMillis).compose(mine -> mine
        ? refreshHolding(grantId, instance, stale).eventually(() -> locks.removeIf(lock, owner))
        : waitForOther(grantId, instance, stale, pollsLeft));
  }

  /** Holding the lock: re-read, and refresh only if no one did while we waited for it. */
  private Future<GitLabTokens> refreshHolding(String grantId, String instance, String stale) {
    return grants.fresh(grantId).compose(g -> {
      GitLabTokens t = tokensOf(g, instance);
      if (!t.accessToken().equals(stale) && fresh(t)) {
        return Future.succeededFuture(t);
      }
      refreshes.incrementAndGet();
      return gitlab.refresh(instance, t)
          .recover(err -> refusal(grantId, instance, err))
          .compose(next -> write(grantId, instance, next, WRITE_ATTEMPTS));
    });
  }

  private Future<GitLabTokens> refusal(String grantId, String instance, Throwable err) {
    if (err instanceof GitLabRefresh.Revoked) {
      LOG.info("oauth_grant_ended grant={} instance={} reason=gitlab_refresh_refused", grantId, instance);
      HttpProblem signIn = challenges.invalidToken(instance, "GitLab no longer accepts this sign-in (revoked or "
          + "expired at GitLab); sign in again.");
      return grants.revokeGrant(grantId).transform(ar -> Future.failedFuture(signIn));
    }
    LOG.warn("oauth_refresh_failed grant={} instance={} error={}", grantId, instance, err.getMessage());
    return Future.failedFuture(challenges.unavailable("GitLab could not renew the sign-in just now (" + err.getMessage()
        + "); try again shortly."));
  }

  /** Stores the new pair; GitLab already invalidated the old one, so a version conflict is retried on a re-read. */
  private Future<GitLabTokens> write(String grantId, String instance, GitLabTokens next, int attempts) {
    return grants.store().get(grantId).compose(g -> {
      if (g == null) {
        return Future.succeededFuture(next); // revoked meanwhile: this call may still go out, the next is refused
      }
      Map<String, ConnectedInstance> all = grants.sealed().open(g);
      ConnectedInstance old = all.get(instance);
      if (old == null) {
        return Future.succeededFuture(next);
      }
      all.put(instance, new ConnectedInstance(instance, old.userId(), old.username(), next, old.appId()));
      KeyRing.Sealed s = grants.sealed().seal(grantId, all.values());
      GrantRecord updated = g.next(s.keyId(), s.text(), g.refreshHash(), g.spentRefreshHashes(), g.instances(),
          g.expiresAt());
      return grants.store().replace(updated).compose(stored -> {
        if (stored) {
          grants.remember(updated);
          return Future.succeededFuture(next);
        }
        if (attempts <= 1) {
          LOG.warn("oauth_refresh_unsaved grant={} instance={}", grantId, instance);
          return Future.succeededFuture(next);
        }
        return write(grantId, instance, next, attempts - 1);
      });
    });
  }

  /** Another replica holds the lock: re-read until its new tokens appear, or take the lock once it is free. */
  private Future<GitLabTokens> waitForOther(String grantId, String instance, String stale, int pollsLeft) {
    if (pollsLeft <= 0) {
      return Future.failedFuture(challenges.unavailable("Another replica is renewing the GitLab sign-in and has "
          + "not finished; try again shortly."));
    }
    return vertx.timer(pollMillis).compose(v -> grants.fresh(grantId)).compose(g -> {
      GitLabTokens t = tokensOf(g, instance);
      return !t.accessToken().equals(stale) && fresh(t) ? Future.succeededFuture(t)
          : underLock(grantId, instance, stale, pollsLeft - 1);
    });
  }
}
