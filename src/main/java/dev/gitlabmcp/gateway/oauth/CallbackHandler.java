package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.OAuthClientConfig;
import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.state.ConsentRecord;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /oauth/callback}: GitLab sends the browser back. The transaction is taken once and must belong to
 * this browser; GitLab's code is exchanged, the user read (and checked against the allowed groups); then the
 * next instance of the request is signed in to, or the grant is created and the client gets a single-use
 * code (stored only as a keyed hash), its state and the issuer.
 */
final class CallbackHandler {

  private static final Logger LOG = LoggerFactory.getLogger(CallbackHandler.class);

  /** What a gateway authorization code stands for (the code itself is only a key's hash). */
  record CodeRecord(String grantId, String clientId, String redirectUri, String codeChallenge, String resource) {

    JsonObject toJson() {
      return new JsonObject().put("grant", grantId).put("client", clientId).put("redirect", redirectUri)
          .put("challenge", codeChallenge).put("resource", resource);
    }

    static CodeRecord fromJson(JsonObject o) {
      return new CodeRecord(o.getString("grant"), o.getString("client"), o.getString("redirect"),
          o.getString("challenge"), o.getString("resource"));
    }
  }

  private final OAuthServer s;
  private final AuthorizeHandler authorize;

  CallbackHandler(OAuthServer server, AuthorizeHandler authorize) {
    this.s = server;
    this.authorize = authorize;
  }

  void callback(RoutingContext ctx) {
    String state = ctx.request().getParam("state");
    if (state == null || state.isEmpty() || state.length() > 200) {
      Pages.error(ctx, 400, "Sign-in not recognized", "GitLab sent the browser back without a valid state.");
      return;
    }
    take(ctx, authorize.transactionKey(state), "completed", tx -> {
          String flowId = FlowCookies.flowId(ctx, tx.request().flowCookie());
          if (!s.cookies().bindingMatches(flowId, tx.request().binding())) {
            Pages.error(ctx, 400, "Sign-in started elsewhere", "This GitLab sign-in was started in another browser; "
                + "the gateway completes it only in the browser that approved it.");
            return;
          }
          String error = ctx.request().getParam("error");
          String code = ctx.request().getParam("code");
          if (error != null || code == null || code.isEmpty()) {
            if (offerPartial(ctx, tx, "GitLab answered " + (error == null ? "without a code"
                : GitLabSignIn.printable(error)))) {
              return;
            }
            s.cookies().end(ctx, tx.request().flowCookie());
            ClientRedirects.error(ctx, s.issuer(), tx.request(), "access_denied", "GitLab sign-in was not completed ("
                + (error == null ? "no code" : GitLabSignIn.printable(error)) + ")");
            return;
          }
          signIn(tx, code)
              .onSuccess(next -> next.accept(ctx))
              .onFailure(err -> refused(ctx, tx, err));
        });
  }

  /** What to do with the browser once this leg's GitLab sign-in worked. */
  private interface Next {
    void accept(RoutingContext ctx);
  }

  private Future<Next> signIn(Transaction tx, String code) {
    GitLabConfig instance = s.instances().get(tx.instance());
    OAuthClientConfig app = instance == null ? OAuthClientConfig.NONE : s.config().appFor(instance);
    if (!app.configured()) {
      return Future.failedFuture(new GitLabSignIn.Refused("server_error", "GitLab instance " + tx.instance()
          + " is no longer configured for sign-in"));
    }
    return s.gitlab().exchange(instance, app, code, s.callbackUrl(), tx.gitlabVerifier())
        .compose(tokens -> s.gitlab().user(instance, tokens.accessToken())
            .compose(user -> s.gitlab().memberOfAny(instance, tokens.accessToken(), s.config().allowedGroups())
                .compose(member -> member ? Future.succeededFuture(
                    new ConnectedInstance(instance.name(), user.id(), user.username(), tokens, app.clientId()))
                    : Future.failedFuture(new GitLabSignIn.Refused("access_denied", "GitLab user " + user.username()
                        + " is not a member of a group allowed to use this gateway")))))
        .map(connected -> {
          List<ConnectedInstance> all = new ArrayList<>(openConnected(tx));
          all.add(connected);
          int next = tx.step() + 1;
          if (next < tx.request().instances().size()) {
            String sealed = sealConnected(tx.request(), all);
            return ctx -> authorize.begin(ctx, tx.request(), next, sealed, tx.remember(), tx.rememberedSubject());
          }
          return ctx -> finish(ctx, tx, all);
        });
  }

  private void finish(RoutingContext ctx, Transaction tx, List<ConnectedInstance> connected) {
    AuthorizationRequest req = tx.request();
    ConnectedInstance first = connected.get(0);
    String subject = first.instance() + ":" + first.userId();
    long now = s.clock().getAsLong();
    Future<Boolean> consented = tx.rememberedSubject().isEmpty() || tx.rememberedSubject().equals(subject)
        ? Future.succeededFuture(true)
        : s.state().consents().get(subject, req.clientId()).map(c -> c != null && AuthorizeHandler.covers(c, req));
    consented.compose(ok -> {
      if (!ok) {
        return Future.failedFuture(new GitLabSignIn.Refused("access_denied", "You signed in to GitLab as another "
            + "user than the one who approved this client; sign in again to approve it"));
      }
      Future<Void> remembered = tx.remember() ? s.state().consents().put(new ConsentRecord(subject, req.clientId(),
          req.redirectUri(), req.scopes(), req.instances(), now)) : Future.succeededFuture();
      return remembered.compose(v -> s.grants().create(req.clientId(), req.scopes(), req.resource(), connected));
    }).compose(grantId -> {
      String code = Pkce.random(32);
      CodeRecord record = new CodeRecord(grantId, req.clientId(), req.redirectUri(), req.codeChallenge(),
          req.resource());
      return s.state().transients().put(TokenHandler.codeKey(s.keys(), code), record.toJson().encode(),
          OAuthServer.CODE_MS).map(code);
    }).onSuccess(code -> {
      LOG.info("oauth_authorized subject={} client={} instances={}", subject, clip(req.clientId()), req.instances());
      s.cookies().end(ctx, req.flowCookie());
      if (tx.remember()) {
        s.cookies().rememberUser(ctx, subject, now);
      }
      ClientRedirects.code(ctx, s.issuer(), req, code);
    }).onFailure(err -> refused(ctx, tx, err));
  }

  private void refused(RoutingContext ctx, Transaction tx, Throwable err) {
    if ((err instanceof GitLabSignIn.Refused || err instanceof OAuthError) && offerPartial(ctx, tx,
        err instanceof OAuthError e ? e.description() : err.getMessage())) {
      return;
    }
    s.cookies().end(ctx, tx.request().flowCookie());
    if (err instanceof GitLabSignIn.Refused r) {
      LOG.info("oauth_sign_in_refused client={} instance={} error={}", clip(tx.request().clientId()), tx.instance(),
          r.error);
      ClientRedirects.error(ctx, s.issuer(), tx.request(), r.error, r.getMessage());
    } else if (err instanceof OAuthError e) {
      ClientRedirects.error(ctx, s.issuer(), tx.request(), e.status() >= 500 ? "temporarily_unavailable"
          : "access_denied", e.description());
    } else {
      LOG.error("oauth_callback_failed instance={} error={}", tx.instance(), err.getClass().getName());
      ClientRedirects.error(ctx, s.issuer(), tx.request(), "server_error", "The gateway could not complete the "
          + "sign-in");
    }
  }

  /**
   * One instance of several failed or was denied: when others are connected or still to come, the user
   * is asked (on a CSRF-protected page of the same flow) whether to go on without it or cancel. The
   * transaction is kept once more, under a fresh random id that only that page knows.
   */
  private boolean offerPartial(RoutingContext ctx, Transaction tx, String reason) {
    List<String> all = tx.request().instances();
    if (tx.connected().isEmpty() && tx.step() + 1 >= all.size()) {
      return false;
    }
    List<String> connected = openConnected(tx).stream().map(ConnectedInstance::instance).toList();
    String id = Pkce.random(32);
    String flowId = FlowCookies.flowId(ctx, tx.request().flowCookie());
    LOG.info("oauth_instance_failed client={} instance={}", clip(tx.request().clientId()), tx.instance());
    s.state().transients().put(partialKey(id), tx.toJson().encode(), OAuthServer.TRANSACTION_MS)
        .onSuccess(v -> Pages.partial(ctx, new Pages.Partial(tx.instance(), reason, connected,
            all.subList(tx.step() + 1, all.size()), id, s.cookies().csrf(flowId))))
        .onFailure(err -> {
          s.cookies().end(ctx, tx.request().flowCookie());
          ClientRedirects.error(ctx, s.issuer(), tx.request(), "temporarily_unavailable", "The gateway could not "
              + "store the sign-in right now");
        });
    return true;
  }

  /** The answer to the partial-failure page: go on without the failed instance, or cancel everything. */
  void partial(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    String id = form.get("partial");
    if (id == null || id.isEmpty() || id.length() > 100) {
      Pages.error(ctx, 400, "Invalid answer", "This form was not issued by the gateway.");
      return;
    }
    take(ctx, partialKey(id), "answered", tx -> {
          AuthorizationRequest req = tx.request();
          String flowId = FlowCookies.flowId(ctx, req.flowCookie());
          if (!s.cookies().bindingMatches(flowId, req.binding()) || !s.cookies().csrfMatches(flowId,
              form.get("csrf"))) {
            Pages.error(ctx, 403, "Answer refused", "This answer did not come from the page the gateway showed in "
                + "this browser (missing cookie or CSRF token).");
            return;
          }
          if (!"continue".equals(form.get("decision"))) {
            s.cookies().end(ctx, req.flowCookie());
            LOG.info("oauth_sign_in_cancelled client={} instance={}", clip(req.clientId()), tx.instance());
            ClientRedirects.error(ctx, s.issuer(), req, "access_denied", "The user cancelled the sign-in after "
                + "GitLab instance " + tx.instance() + " failed");
            return;
          }
          List<String> rest = new ArrayList<>(req.instances());
          rest.remove(tx.instance());
          AuthorizationRequest without = req.withInstances(rest);
          if (tx.step() < rest.size()) {
            authorize.begin(ctx, without, tx.step(), tx.connected(), tx.remember(), tx.rememberedSubject());
          } else {
            finish(ctx, new Transaction(without, tx.step(), tx.instance(), tx.gitlabVerifier(), tx.connected(),
                tx.remember(), tx.rememberedSubject()), openConnected(tx));
          }
        });
  }

  /** Takes a stored transaction exactly once; a page when it is gone or the store cannot answer. */
  private void take(RoutingContext ctx, String key, String done, java.util.function.Consumer<Transaction> then) {
    s.state().transients().take(key)
        .onFailure(err -> Pages.error(ctx, 503, "Try again", "The gateway could not read the sign-in right now."))
        .onSuccess(json -> {
          if (json == null) {
            Pages.error(ctx, 400, "Sign-in expired", "This sign-in expired (10 minutes) or was already " + done + ".");
          } else {
            then.accept(Transaction.fromJson(new JsonObject(json)));
          }
        });
  }

  private String partialKey(String id) {
    return "oauth:partial:" + s.keys().hash("oauth-partial", id);
  }

  private String sealConnected(AuthorizationRequest req, List<ConnectedInstance> all) {
    JsonArray a = new JsonArray();
    for (ConnectedInstance c : all) {
      GitLabTokens t = c.tokens();
      a.add(new JsonObject().put("instance", c.instance()).put("userId", c.userId()).put("username", c.username())
          .put("access", t.accessToken()).put("refresh", t.refreshToken()).put("expiresAt", t.expiresAt())
          .put("scope", t.scope()).put("app", c.appId()));
    }
    KeyRing.Sealed sealed = s.keys().seal(a.encode().getBytes(StandardCharsets.UTF_8), "oauth-chain:" + req.binding());
    return sealed.keyId() + "." + sealed.text();
  }

  private List<ConnectedInstance> openConnected(Transaction tx) {
    if (tx.connected().isEmpty()) {
      return List.of();
    }
    int dot = tx.connected().indexOf('.');
    byte[] plain = s.keys().open(new KeyRing.Sealed(tx.connected().substring(0, dot), tx.connected().substring(dot + 1)),
        "oauth-chain:" + tx.request().binding());
    List<ConnectedInstance> out = new ArrayList<>();
    for (Object o : new JsonArray(new String(plain, StandardCharsets.UTF_8))) {
      JsonObject c = (JsonObject) o;
      out.add(new ConnectedInstance(c.getString("instance"), c.getLong("userId"), c.getString("username"),
          new GitLabTokens(c.getString("access"), c.getString("refresh"), c.getLong("expiresAt"),
              c.getString("scope")), c.getString("app")));
    }
    return out;
  }

  private static String clip(String s) {
    return s.length() > 80 ? s.substring(0, 80) : s;
  }
}
