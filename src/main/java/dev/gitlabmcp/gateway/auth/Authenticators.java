package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.auth.AuthFailure.Reason;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import io.vertx.core.Future;
import java.util.function.BiConsumer;

/**
 * Builds the authenticator the configuration asks for, and holds the per-address budget: requests
 * without a valid token, and token checks that would reach GitLab, are charged to the caller's address
 * first, so a flood of invalid or distinct tokens meets a 429 before GitLab hears of it.
 */
public final class Authenticators {

  private final GatewayConfig cfg;
  private final InstanceDirectory instances;
  private final IdentityVerifier verifier;
  private final RateLimiter addressBudget;
  private final GatewayMetrics metrics;
  private final BiConsumer<String, CredentialHandle.Caller> onVerified;
  private volatile SharedIdentities shared = SharedIdentities.NONE;
  private Authenticator signedIn;

  /**
   * @param verifier GitLab token checks (remote authorization), or null
   * @param onVerified told of each caller token GitLab confirmed (the introspector learns editions with it)
   */
  public Authenticators(GatewayConfig cfg, InstanceDirectory instances, IdentityVerifier verifier,
                        RateLimiter addressBudget, GatewayMetrics metrics,
                        BiConsumer<String, CredentialHandle.Caller> onVerified) {
    this.cfg = cfg;
    this.instances = instances;
    this.verifier = verifier;
    this.addressBudget = addressBudget;
    this.metrics = metrics;
    this.onVerified = onVerified;
  }

  /** Token verifications shared with the other replicas (Redis); none by default. */
  public Authenticators sharing(SharedIdentities identities) {
    this.shared = identities;
    return this;
  }

  /**
   * Sign in with GitLab: requests carry the gateway's own access tokens, checked by {@code signedIn}; its
   * refusals are charged to the caller's address like any request without a valid token.
   */
  public Authenticators signingIn(Authenticator gatewayTokens) {
    this.signedIn = gatewayTokens;
    return this;
  }

  /** The authenticator for this configuration. */
  public Authenticator create() {
    if (signedIn != null) {
      return counted(req -> signedIn.authenticate(req).recover(err -> err instanceof AuthFailure f
          && f.reason() != Reason.UNAVAILABLE ? refuse(req, f) : Future.failedFuture(err)));
    }
    Authenticator inner = cfg.remoteAuthorization() ? this::callerToken : this::serverToken;
    BearerGuard guard = new BearerGuard(cfg.mcpAuthToken());
    if (!guard.enabled()) {
      return counted(inner);
    }
    return counted(req -> guard.accepts(req.headers().get("Authorization")) ? inner.authenticate(req)
        : refuse(req, new AuthFailure(Reason.INVALID, "Unauthorized", "This gateway requires 'Authorization: Bearer "
            + "<token>' with the token its operator configured (MCP_AUTH_TOKEN).")));
  }

  /** Every refusal is counted by reason. */
  private Authenticator counted(Authenticator a) {
    return req -> a.authenticate(req).onFailure(err -> {
      if (err instanceof AuthFailure f) {
        metrics.authFailure(f.reason().label());
      }
    });
  }

  /** The server-side principal: the instance's own token, or anonymous. */
  public Principal serverPrincipal(String instance) {
    GitLabConfig c = instances.get(instance);
    boolean anonymous = c == null || !c.token().isSet();
    return new Principal(instance, CredentialHandle.SERVER, anonymous ? "anonymous" : "server-token", false);
  }

  private Future<Principal> serverToken(Authenticator.Request req) {
    return Future.succeededFuture(serverPrincipal(req.instance()));
  }

  private Future<Principal> callerToken(Authenticator.Request req) {
    CallerToken token = CallerToken.from(req.headers());
    if (token.missing()) {
      return refuse(req, new AuthFailure(Reason.MISSING, "Missing Authorization or Private-Token header",
          "Remote authorization is enabled. Please provide Authorization or Private-Token header."));
    }
    if (token.malformed()) {
      return refuse(req, new AuthFailure(Reason.FORMAT, "Invalid token format",
          "The token format is invalid: " + token.problem() + "."));
    }
    IdentityVerifier.Verdict known = verifier.cached(req.instance(), token.credential());
    if (known != null) {
      return verdict(req, token, known);
    }
    // Another replica may have verified it; otherwise the check reaches GitLab: charge the address first.
    return shared.get(req.instance(), token.credential()).compose(identity -> identity != null
        ? verdict(req, token, new IdentityVerifier.Verdict(IdentityVerifier.Outcome.VALID, identity, null))
        : verifyWithGitLab(req, token));
  }

  private Future<Principal> verifyWithGitLab(Authenticator.Request req, CallerToken token) {
    return charge(req)
        .compose(v -> verifier.verify(req.instance(), token.credential()).otherwise(err -> new IdentityVerifier.Verdict(
            IdentityVerifier.Outcome.UNAVAILABLE, null, "the token check failed")))
        .compose(v -> {
          if (v.outcome() == IdentityVerifier.Outcome.VALID) {
            shared.put(req.instance(), token.credential(), v.identity());
          }
          return verdict(req, token, v);
        });
  }

  private Future<Principal> verdict(Authenticator.Request req, CallerToken token, IdentityVerifier.Verdict v) {
    return switch (v.outcome()) {
      case VALID -> {
        CredentialHandle.Caller handle = new CredentialHandle.Caller(token.credential());
        onVerified.accept(req.instance(), handle);
        yield Future.succeededFuture(new Principal(req.instance(), handle, v.identity().subject(), true,
            v.identity().username(), ""));
      }
      case INVALID -> Future.failedFuture(new AuthFailure(Reason.INVALID, "Invalid GitLab token", v.message() + "."));
      default -> Future.failedFuture(new AuthFailure(Reason.UNAVAILABLE, "GitLab unavailable",
          "Could not verify the token: " + v.message() + ". Try again shortly.", 5));
    };
  }

  /** Charges the address for a refused request: past its budget the refusal becomes 429. */
  private Future<Principal> refuse(Authenticator.Request req, AuthFailure failure) {
    return charge(req).transform(ar -> Future.failedFuture(ar.succeeded() ? failure : ar.cause()));
  }

  /** Takes one unit of the address's budget; fails with the 429 refusal when it is spent. */
  private Future<Void> charge(Authenticator.Request req) {
    return addressBudget.acquire("a:" + req.clientAddress(), cfg.ipRequestsPerMinute(), 1).compose(d -> {
      if (d.allowed()) {
        return Future.succeededFuture();
      }
      metrics.rejectedByIpLimit();
      return Future.failedFuture(new AuthFailure(Reason.RATE_LIMITED, "Rate limit exceeded",
          "Too many requests without a valid token from this address; maximum " + d.limit() + " per minute",
          d.resetSeconds()).limits(d));
    });
  }
}
