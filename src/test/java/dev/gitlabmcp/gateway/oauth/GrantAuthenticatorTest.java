package dev.gitlabmcp.gateway.oauth;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.auth.AuthFailure;
import dev.gitlabmcp.gateway.auth.Authenticator;
import dev.gitlabmcp.gateway.auth.CredentialHandle;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.OAuthClientConfig;
import dev.gitlabmcp.gateway.config.OAuthTokensConfig;
import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.state.GrantRecord;
import dev.gitlabmcp.gateway.state.GrantStore;
import dev.gitlabmcp.gateway.state.MemoryClientStore;
import dev.gitlabmcp.gateway.state.MemoryConsentStore;
import dev.gitlabmcp.gateway.state.MemoryGrantStore;
import dev.gitlabmcp.gateway.state.MemoryTransientStore;
import dev.gitlabmcp.gateway.state.OAuthState;
import dev.gitlabmcp.gateway.testing.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The gateway's access tokens on MCP requests: who they act as, and every way they are refused. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GrantAuthenticatorTest {

  static final String ISSUER = "https://gw.example";
  static final String CLIENT = "client-1";
  static final GitLabTokens GL = new GitLabTokens("glat-0", "glrt-0", Long.MAX_VALUE, "api");

  final ManualClock clock = new ManualClock();
  final Vertx vertx = Vertx.vertx();
  final AtomicInteger storeReads = new AtomicInteger();
  final GrantStore grantStore = counting(new MemoryGrantStore(clock::millis));
  final OAuthState state = new OAuthState(new MemoryTransientStore(clock::millis), new MemoryClientStore(),
      grantStore, new MemoryConsentStore());
  final KeyRing keys = KeyRing.forThisProcess();
  final InstanceDirectory directory = new InstanceDirectory(List.of(instance("main", true), instance("other", false),
      instance("third", false)));
  final ResourceServer rs = replica();

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  static GitLabConfig instance(String name, boolean isDefault) {
    return new GitLabConfig(name, URI.create("https://" + name + ".example"), Secret.NONE, true, false, 4, 60, 1000,
        5000, 1 << 20, 0, name, isDefault, "", false, "", List.of(), OAuthClientConfig.NONE, RateLimitConfig.DEFAULT);
  }

  ResourceServer replica() {
    return ResourceServer.create(vertx, directory, state, keys, OAuthTokensConfig.DEFAULTS, ISSUER, i -> null, "api",
        clock::millis);
  }

  /** A grant store that counts reads: the hot path must not read it per request. */
  GrantStore counting(GrantStore inner) {
    return new GrantStore() {
      public Future<Void> create(GrantRecord g) {
        return inner.create(g);
      }

      public Future<GrantRecord> get(String id) {
        storeReads.incrementAndGet();
        return inner.get(id);
      }

      public Future<Boolean> replace(GrantRecord g) {
        return inner.replace(g);
      }

      public Future<Boolean> remove(String id) {
        return inner.remove(id);
      }

      public Future<Map<String, Long>> countByKeyId() {
        return inner.countByKeyId();
      }

      public Future<Long> purgeExpired(long now) {
        return inner.purgeExpired(now);
      }
    };
  }

  IssuedTokens signIn(List<String> scopes, String resource, String... instances) {
    List<ConnectedInstance> connected = java.util.Arrays.stream(instances)
        .map(i -> new ConnectedInstance(i, 7, "alice", GL)).toList();
    String id = await(rs.grants().create(CLIENT, scopes, resource, connected));
    return await(rs.grants().redeem(id, CLIENT));
  }

  static Authenticator.Request request(String authorization, String instance) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    if (authorization != null) {
      h.add("Authorization", authorization);
    }
    return new Authenticator.Request(h, instance, "127.0.0.1");
  }

  Principal accept(ResourceServer replica, String token, String instance) {
    return await(replica.authenticator().authenticate(request("Bearer " + token, instance)));
  }

  AuthFailure refuse(String authorization, String instance) {
    return assertThrows(AuthFailure.class, () -> await(rs.authenticator().authenticate(request(authorization,
        instance))));
  }

  @Test
  void should_act_as_the_grant_user_on_the_instance_of_the_request() {
    IssuedTokens t = signIn(List.of("read_api"), ISSUER + "/mcp", "main", "other");
    Principal p = accept(rs, t.accessToken(), "main");
    assertEquals("main", p.instance());
    assertEquals("main:7", p.subject());
    assertTrue(p.perUser());
    CredentialHandle.Grant g = (CredentialHandle.Grant) p.credential();
    assertEquals(List.of("read_api"), g.scopes());
    assertEquals(false, g.mayWrite());
    assertEquals("other", accept(rs, t.accessToken(), "other").instance());
  }

  @Test
  void should_use_the_grant_first_instance_on_plain_mcp_and_refuse_an_instance_it_did_not_connect() {
    IssuedTokens t = signIn(List.of("api"), ISSUER + "/mcp/other", "other");
    assertEquals("other", accept(rs, t.accessToken(), "main").instance()); // /mcp names the default instance
    AuthFailure f = refuse("Bearer " + t.accessToken(), "third");
    assertEquals(AuthFailure.Reason.FORBIDDEN, f.reason());
    assertEquals(403, f.toProblem().status());
    assertTrue(f.toProblem().body().encode().contains("/mcp/third"), f.toProblem().body().encode());
  }

  @Test
  void should_refuse_missing_foreign_tampered_expired_and_other_resource_tokens() {
    assertEquals(AuthFailure.Reason.MISSING, refuse(null, "main").reason());
    assertEquals(AuthFailure.Reason.FORMAT, refuse("Basic abc", "main").reason());
    assertEquals(AuthFailure.Reason.INVALID, refuse("Bearer glpat-0123456789abcdefghij", "main").reason());

    IssuedTokens t = signIn(List.of("api"), ISSUER + "/mcp", "main");
    String tampered = t.accessToken().substring(0, t.accessToken().length() - 3) + "AAA";
    assertEquals(AuthFailure.Reason.INVALID, refuse("Bearer " + tampered, "main").reason());

    IssuedTokens elsewhere = signIn(List.of("api"), "https://other-gateway.example/mcp", "main");
    AuthFailure f = refuse("Bearer " + elsewhere.accessToken(), "main");
    assertEquals("Token for another resource", f.toProblem().body().getString("error"));
    IssuedTokens unknownInstance = signIn(List.of("api"), ISSUER + "/mcp/nope", "main");
    assertEquals(AuthFailure.Reason.INVALID, refuse("Bearer " + unknownInstance.accessToken(), "main").reason());

    clock.advance(Duration.ofMinutes(61));
    AuthFailure expired = refuse("Bearer " + t.accessToken(), "main");
    assertEquals("Access token expired", expired.toProblem().body().getString("error"));
    assertEquals(401, expired.toProblem().status());
    assertTrue(expired.toProblem().headers().get("WWW-Authenticate").contains("error=\"invalid_token\""));
  }

  @Test
  void should_refuse_a_revoked_grant_at_once_here_and_within_the_check_interval_on_other_replicas() {
    ResourceServer other = replica();
    IssuedTokens t = signIn(List.of("api"), ISSUER + "/mcp", "main");
    accept(rs, t.accessToken(), "main");
    accept(other, t.accessToken(), "main");
    await(rs.grants().revoke(t.refreshToken(), CLIENT));
    assertEquals("Access token revoked", refuse("Bearer " + t.accessToken(), "main").toProblem().body()
        .getString("error"));
    accept(other, t.accessToken(), "main"); // the other replica's cached view, for at most grantCheckSeconds
    clock.advance(Duration.ofSeconds(OAuthTokensConfig.DEFAULTS.grantCheckSeconds()));
    assertThrows(AuthFailure.class, () -> accept(other, t.accessToken(), "main"));
  }

  @Test
  void should_verify_a_token_without_a_store_round_trip_per_request() {
    IssuedTokens t = signIn(List.of("api"), ISSUER + "/mcp", "main");
    accept(rs, t.accessToken(), "main");
    int before = storeReads.get();
    Authenticator.Request req = request("Bearer " + t.accessToken(), "main");
    int n = 200_000;
    for (int i = 0; i < n / 4; i++) { // warm-up
      rs.authenticator().authenticate(req);
    }
    // CPU time of this thread, not wall time: a shared machine's other load does not count.
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    long t0 = cpu.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      if (rs.authenticator().authenticate(req).failed()) {
        throw new AssertionError("refused");
      }
    }
    long perOp = (cpu.getCurrentThreadCpuTime() - t0) / n;
    long v0 = cpu.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      rs.grants().accessTokens().verify(t.accessToken());
    }
    long verifyPerOp = (cpu.getCurrentThreadCpuTime() - v0) / n;
    System.out.printf("access-token authentication: %d ns/op CPU (MAC + claims alone: %d ns/op), token %d chars%n",
        perOp, verifyPerOp, t.accessToken().length());
    assertEquals(before, storeReads.get(), "authentications within the check interval read the store");
  }
}
