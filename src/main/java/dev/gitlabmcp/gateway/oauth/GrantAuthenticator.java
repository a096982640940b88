package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.auth.AuthFailure;
import dev.gitlabmcp.gateway.auth.AuthFailure.Reason;
import dev.gitlabmcp.gateway.auth.Authenticator;
import dev.gitlabmcp.gateway.auth.CredentialHandle;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.state.GrantRecord;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Predicate;

/**
 * Authenticates MCP requests carrying the gateway's own access tokens: the MAC and expiry from the token
 * itself, the audience (the token's resource must be one of this gateway's MCP endpoints), then the grant's
 * liveness from this replica's short cache ({@link Grants#live}). The principal acts on the request's
 * instance when the grant connected it, else on the grant's first instance when the request named none.
 * Refusals are {@link AuthFailure}s; the request path adds the resource metadata to the 401 challenge.
 */
public final class GrantAuthenticator implements Authenticator {

  private final Grants grants;
  private final Predicate<String> ourResource;
  private final String defaultInstance;
  private final Predicate<String> configured;

  /**
   * @param ourResource whether a resource URI names one of this gateway's MCP endpoints
   * @param defaultInstance the instance a request names when it names none ({@code /mcp})
   * @param configured whether an instance is in the (live) instances file now; a removed one is never used
   */
  public GrantAuthenticator(Grants grants, Predicate<String> ourResource, String defaultInstance,
                            Predicate<String> configured) {
    this.grants = grants;
    this.ourResource = ourResource;
    this.defaultInstance = defaultInstance;
    this.configured = configured;
  }

  @Override
  public Future<Principal> authenticate(Request req) {
    String auth = req.headers().get("Authorization");
    if (auth == null || auth.isBlank()) {
      return refuse(Reason.MISSING, "Missing Authorization header", "This gateway signs users in with GitLab: "
          + "connect with an MCP client that supports OAuth, and it will open the sign-in page.");
    }
    if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return refuse(Reason.FORMAT, "Invalid token format", "Send the gateway's access token as 'Authorization: "
          + "Bearer <token>'.");
    }
    String token = auth.substring(7).trim();
    AccessTokens.Claims c = grants.accessTokens().verify(token);
    if (c == null) {
      return refuse(Reason.INVALID, "Invalid access token", "The access token was not issued by this gateway (a "
          + "GitLab token is not accepted here); sign in again.");
    }
    if (c.expired(grants.clock().getAsLong())) {
      return refuse(Reason.INVALID, "Access token expired", "The access token has expired; refresh it or sign in "
          + "again.");
    }
    if (!ourResource.test(c.resource())) {
      return refuse(Reason.INVALID, "Token for another resource", "The access token was issued for another "
          + "resource, not this gateway's MCP endpoint; sign in to this one.");
    }
    return grants.live(c.grantId())
        .recover(err -> Future.failedFuture(new AuthFailure(Reason.UNAVAILABLE, "Sign-in store unavailable",
            "Could not check the sign-in just now; try again shortly.", 5)))
        .compose(g -> principal(req, c, g));
  }

  private Future<Principal> principal(Request req, AccessTokens.Claims c, GrantRecord g) {
    if (g == null || !g.clientId().equals(c.clientId())) {
      return refuse(Reason.INVALID, "Access token revoked", "The sign-in has ended (revoked or expired); sign in "
          + "again.");
    }
    String instance = req.instance();
    if (!g.instances().contains(instance)) {
      if (!instance.equals(defaultInstance)) {
        // A new authorization for this instance's URL can connect it: the challenge says so (step-up).
        return Future.failedFuture(new AuthFailure(Reason.FORBIDDEN, "Instance not connected", "This sign-in did "
            + "not connect GitLab instance '" + instance + "' (it connected " + String.join(", ", g.instances())
            + "). Sign in again through /mcp/" + instance + " to connect it, ticking the others too to keep them "
            + "(GitLab passes an application you already authorized straight through).").stepUp());
      }
      instance = g.instances().stream().filter(configured).findFirst().orElse(g.instances().get(0));
    }
    if (!configured.test(instance)) {
      List<String> usable = g.instances().stream().filter(configured).toList();
      return refuse(Reason.FORBIDDEN, "Instance removed", "GitLab instance '" + instance + "' is no longer configured "
          + "on this gateway; this sign-in's connection to it is not used." + (usable.isEmpty() ? " Sign in again."
          : " It still works on " + String.join(", ", usable.stream().map(n -> "/mcp/" + n).toList()) + "."));
    }
    // The audit log names the user and the OAuth client of every call made with this token.
    return Future.succeededFuture(new Principal(instance, new CredentialHandle.Grant(g.id(), c.scopes(), usableOf(g)),
        g.subject(), true, g.username(), g.clientId()));
  }

  private List<String> usableOf(GrantRecord g) {
    return g.instances().stream().filter(configured).toList();
  }

  private static Future<Principal> refuse(Reason reason, String error, String message) {
    return Future.failedFuture(new AuthFailure(reason, error, message));
  }
}
