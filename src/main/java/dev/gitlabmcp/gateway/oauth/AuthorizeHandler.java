package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.OAuthClientConfig;
import dev.gitlabmcp.gateway.state.ConsentRecord;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /oauth/authorize}: checks the client, its exact redirect URI, PKCE S256, state and the resource;
 * until the redirect URI is known to be the client's, errors are shown on a page, never redirected. Then
 * the consent page (or, for a remembered approval, straight on), and after approval the transaction is
 * stored and the browser goes to GitLab with the gateway's own PKCE.
 */
final class AuthorizeHandler {

  private static final String SEALED_REQUEST = "authorize-request";

  private final OAuthServer s;

  AuthorizeHandler(OAuthServer server) {
    this.s = server;
  }

  void authorize(RoutingContext ctx) {
    MultiMap q = ctx.request().params();
    for (String name : q.names()) {
      if (q.getAll(name).size() > 1) {
        Pages.error(ctx, 400, "Invalid authorization request", "The parameter " + name + " appears more than once.");
        return;
      }
    }
    s.clients().find(q.get("client_id"))
        .onFailure(err -> Pages.error(ctx, 400, "Unknown client", err instanceof OAuthError e ? e.description()
            : "The client could not be identified."))
        .onSuccess(client -> checked(ctx, client, q));
  }

  private void checked(RoutingContext ctx, OAuthClient client, MultiMap q) {
    String redirect = q.get("redirect_uri");
    if (redirect == null && client.redirectUris().size() == 1) {
      redirect = client.redirectUris().get(0);
    }
    if (redirect == null || !client.redirectUris().contains(redirect)) {
      Pages.error(ctx, 400, "Invalid redirect URI", "The redirect URI "
          + (redirect == null ? "is missing" : RedirectUris.clip(redirect) + " is not one the client registered")
          + "; the gateway will not send you there. (A client whose redirect URI changed must register again.)");
      return;
    }
    String state = q.get("state");
    long now = s.clock().getAsLong();
    AuthorizationRequest early = new AuthorizationRequest(client.clientId(), redirect, "", state, "", List.of(),
        List.of(), "", "", now);
    String challenge = q.get("code_challenge");
    String problem = null;
    String error = "invalid_request";
    GitLabConfig instance = s.instanceOf(q.get("resource"));
    if (!"code".equals(q.get("response_type"))) {
      error = "unsupported_response_type";
      problem = "response_type must be code";
    } else if (challenge == null || challenge.isEmpty()) {
      problem = "PKCE is required: send code_challenge with code_challenge_method=S256";
    } else if (!"S256".equals(q.get("code_challenge_method"))) {
      problem = "code_challenge_method must be S256 (plain is not supported)";
    } else if (!Pkce.wellFormed(challenge)) {
      problem = "code_challenge must be 43 to 128 characters of base64url";
    } else if (state == null || state.isEmpty()) {
      problem = "state is required";
    } else if (instance == null) {
      error = "invalid_target";
      problem = "resource must be this gateway's MCP URL, " + s.config().resource(null) + " (or "
          + s.config().resource("<instance>") + ")";
    } else if (!s.config().appFor(instance).configured()) {
      error = "invalid_target";
      problem = "GitLab instance " + instance.name() + " has no GitLab application for sign-in; ask the operator";
    }
    if (problem != null) {
      ClientRedirects.error(ctx, s.issuer(), early, error, problem);
      return;
    }
    String flowId = Pkce.random(32);
    String cookie = s.cookies().start(ctx, flowId);
    AuthorizationRequest req = new AuthorizationRequest(client.clientId(), redirect, challenge, state,
        s.resourceFor(q.get("resource"), instance), s.grantedScopes(q.get("scope")), List.of(instance.name()), cookie,
        s.cookies().binding(flowId), now);
    String remembered = s.cookies().rememberedUser(ctx, now);
    Future<ConsentRecord> consent = remembered == null ? Future.succeededFuture()
        : s.state().consents().get(remembered, client.clientId()).recover(err -> Future.succeededFuture());
    consent.onComplete(ar -> {
      if (ar.result() != null && covers(ar.result(), req)) {
        // A remembered approval connects again every instance it covered that is still offered.
        List<String> again = offered(req).stream().map(GitLabConfig::name)
            .filter(n -> req.instances().contains(n) || ar.result().instances().contains(n)).toList();
        begin(ctx, req.withInstances(again), 0, "", false, remembered);
      } else {
        showConsent(ctx, client, req, flowId, ar.result() == null ? List.of() : ar.result().instances());
      }
    });
  }

  static boolean covers(ConsentRecord c, AuthorizationRequest req) {
    return c.redirectUri().equals(req.redirectUri()) && c.scopes().containsAll(req.scopes())
        && c.instances().containsAll(req.instances());
  }

  private void showConsent(RoutingContext ctx, OAuthClient client, AuthorizationRequest req, String flowId,
                           List<String> consented) {
    String kind = switch (client.kind()) {
      case REGISTERED -> "registered itself with this gateway";
      case PRE_REGISTERED -> "registered by the gateway's operator";
      case METADATA_DOCUMENT -> "metadata document";
    };
    List<GitLabConfig> offered = offered(req);
    // With a choice to make, each instance shows how it is doing (the registry answers within half a second).
    Future<JsonObject> health = offered.size() > 1 ? s.health().get() : Future.succeededFuture(new JsonObject());
    health.onComplete(h -> {
      JsonObject status = h.succeeded() && h.result() != null ? h.result() : new JsonObject();
      List<Pages.Choice> choices = new ArrayList<>();
      for (GitLabConfig i : offered) {
        String label = i.label() == null || i.label().isBlank() ? i.name() : i.label();
        choices.add(new Pages.Choice(i.name(), label, i.baseUrl().toString(),
            req.instances().contains(i.name()) || consented.contains(i.name()), status.getString(i.name())));
      }
      Pages.consent(ctx, new Pages.Consent(client.name(), client.clientId(), kind, client.verifiedDomain(),
          RedirectUris.host(req.redirectUri()), RedirectUris.loopback(req.redirectUri()), choices,
          req.scopes().contains("api"), s.cookies().seal(SEALED_REQUEST, req.toJson().encode()),
          s.cookies().csrf(flowId)));
    });
  }

  /**
   * The instances the user may sign in to, read from the live directory: those with a GitLab application,
   * the one the resource names first.
   */
  private List<GitLabConfig> offered(AuthorizationRequest req) {
    List<GitLabConfig> out = new ArrayList<>();
    for (GitLabConfig i : s.instances().all()) {
      if (s.config().appFor(i).configured()) {
        if (req.instances().contains(i.name())) {
          out.add(0, i);
        } else {
          out.add(i);
        }
      }
    }
    return out;
  }

  /**
   * The instances ticked on the consent page, checked against what is offered now: at least one, each
   * offered, the resource's own among them; in the offered order (the resource's first). Null with an
   * error page shown when the choice is not acceptable.
   */
  private List<String> chosen(RoutingContext ctx, AuthorizationRequest req, List<String> ticked) {
    List<String> offered = offered(req).stream().map(GitLabConfig::name).toList();
    if (ticked.isEmpty()) {
      Pages.error(ctx, 400, "No GitLab instance chosen", "Tick at least one GitLab instance to sign in to.");
      return null;
    }
    for (String name : ticked) {
      if (!offered.contains(name)) {
        Pages.error(ctx, 400, "Unknown GitLab instance", "The GitLab instance " + clip(name) + " is not (or no "
            + "longer) offered for sign-in on this gateway.");
        return null;
      }
    }
    String own = req.instances().get(0);
    if (!ticked.contains(own)) {
      Pages.error(ctx, 400, "GitLab instance " + own + " is needed", "The client asked for GitLab instance " + own
          + " (its resource is " + req.resource() + "); keep it ticked.");
      return null;
    }
    return offered.stream().filter(ticked::contains).toList();
  }

  private static String clip(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }

  /** The consent form's answer: only from the browser that was shown the page, with its CSRF token. */
  void decision(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    String json = s.cookies().unseal(SEALED_REQUEST, form.get("request"));
    AuthorizationRequest req;
    try {
      req = json == null ? null : AuthorizationRequest.fromJson(new JsonObject(json));
    } catch (RuntimeException e) {
      req = null;
    }
    if (req == null) {
      Pages.error(ctx, 400, "Invalid approval", "This approval form was not issued by the gateway.");
      return;
    }
    if (s.clock().getAsLong() - req.issuedAt() > FlowCookies.FLOW_SECONDS * 1000L) {
      Pages.error(ctx, 400, "Approval expired", "This approval page is older than 10 minutes.");
      return;
    }
    String flowId = FlowCookies.flowId(ctx, req.flowCookie());
    if (!s.cookies().bindingMatches(flowId, req.binding()) || !s.cookies().csrfMatches(flowId, form.get("csrf"))) {
      Pages.error(ctx, 403, "Approval refused", "This approval did not come from the page the gateway showed in "
          + "this browser (missing cookie or CSRF token).");
      return;
    }
    if (!"approve".equals(form.get("decision"))) {
      s.cookies().end(ctx, req.flowCookie());
      ClientRedirects.error(ctx, s.issuer(), req, "access_denied", "The user denied the request");
      return;
    }
    // Without the picker (one instance offered) a form need not name it: the request's own instance.
    List<String> ticked = form.getAll("instance").isEmpty() && form.get("picker") == null ? req.instances()
        : form.getAll("instance");
    List<String> instances = chosen(ctx, req, ticked);
    if (instances == null) {
      return;
    }
    begin(ctx, req.withInstances(instances), 0, "", "yes".equals(form.get("remember")), "");
  }

  /**
   * Stores the transaction of one GitLab sign-in (step {@code step} of the request's instances) and sends
   * the browser to that GitLab. Its {@code state} is random and stored only as a keyed hash.
   */
  void begin(RoutingContext ctx, AuthorizationRequest req, int step, String connected, boolean remember,
             String rememberedSubject) {
    GitLabConfig instance = s.instances().get(req.instances().get(step));
    OAuthClientConfig app = instance == null ? OAuthClientConfig.NONE : s.config().appFor(instance);
    if (!app.configured()) {
      ClientRedirects.error(ctx, s.issuer(), req, "server_error", "GitLab instance " + req.instances().get(step)
          + " is no longer configured for sign-in");
      return;
    }
    String gitlabState = Pkce.random(32);
    String verifier = Pkce.random(48);
    Transaction tx = new Transaction(req, step, instance.name(), verifier, connected, remember, rememberedSubject);
    s.state().transients().put(transactionKey(gitlabState), tx.toJson().encode(), OAuthServer.TRANSACTION_MS)
        .onSuccess(v -> ctx.response().setStatusCode(303).putHeader("Cache-Control", "no-store")
            .putHeader("Referrer-Policy", "no-referrer")
            .putHeader("Location", GitLabSignIn.authorizeUrl(instance, app, s.callbackUrl(), gitlabState, verifier,
                OAuthServer.gitlabScope(req.scopes()))).end())
        .onFailure(err -> Pages.error(ctx, 503, "Try again", "The gateway could not store the sign-in right now."));
  }

  String transactionKey(String gitlabState) {
    return "oauth:tx:" + s.keys().hash("gitlab-state", gitlabState);
  }
}
