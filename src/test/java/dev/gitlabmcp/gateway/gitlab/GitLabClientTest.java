package dev.gitlabmcp.gateway.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.gitlab.GitLabReply.Failure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The GitLab client against a WireMock GitLab: what GitLab receives, how often, and what the
 * gateway makes of slow, failing, huge or cancelled answers.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@ExtendWith(VertxExtension.class)
class GitLabClientTest {

  private static final String TOKEN = "glpat-client-test-0123456789";
  private static final Credential CREDENTIAL = Credential.privateToken(new Secret(TOKEN));
  private static final String USER = "/api/v4/user";
  private static final String USER_JSON = "{\"id\":1,\"username\":\"ada\"}";

  private static WireMockServer gitlab;

  @BeforeAll
  static void startGitLab() {
    // h2c on, so the same server answers HTTP/1.1 and HTTP/2 with prior knowledge.
    gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
        .http2PlainDisabled(false));
    gitlab.start();
  }

  @AfterAll
  static void stopGitLab() {
    gitlab.stop();
  }

  @BeforeEach
  void resetGitLab() {
    gitlab.resetAll();
  }

  /** A config with test-friendly defaults; each test changes what it is about. */
  private static GitLabConfig config(String baseUrl, boolean h2c, int requestTimeoutMs, long maxResponseBytes,
                                     int maxRetries) {
    return new GitLabConfig("default", URI.create(baseUrl), new Secret(TOKEN), true, h2c, 8, 60, 1000,
        requestTimeoutMs, maxResponseBytes, maxRetries);
  }

  private static GitLabConfig config() {
    return config(gitlab.baseUrl(), false, 5000, 1024 * 1024, 2);
  }

  /** A client on its own event loop; closing the test's Vertx closes it. */
  private static Confined client(Vertx vertx, GitLabConfig cfg) {
    return new Confined(vertx.getOrCreateContext(), new GitLabClient(vertx, cfg));
  }

  private static GitLabCall getCall(String pathAndQuery) {
    return new GitLabCall(null, "default", HttpMethod.GET, pathAndQuery, null, CREDENTIAL, true);
  }

  private static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
  }

  /** The system clock, but each retry wait is recorded and then taken at once. */
  private static final class RecordingTicker implements Ticker {
    final List<Long> waits = new CopyOnWriteArrayList<>();
    private final Ticker system;

    RecordingTicker(Vertx vertx) {
      this.system = Ticker.of(vertx);
    }

    @Override
    public long nanoTime() {
      return system.nanoTime();
    }

    @Override
    public long epochMillis() {
      return system.epochMillis();
    }

    @Override
    public long setTimer(long delayMs, Runnable action) {
      waits.add(delayMs);
      return system.setTimer(1, action);
    }

    @Override
    public void cancelTimer(long id) {
      system.cancelTimer(id);
    }
  }

  private static Confined client(Vertx vertx, GitLabConfig cfg, Ticker ticker) {
    return new Confined(vertx.getOrCreateContext(),
        new GitLabClient(vertx, cfg, GitLabClient.Observer.NONE, ResponseBudget.unlimited(), ticker));
  }

  /** GitLabClient is event-loop confined: every call goes through the one context it lives on. */
  private static final class Confined {
    final Context context;
    final GitLabClient client;

    Confined(Context context, GitLabClient client) {
      this.context = context;
      this.client = client;
    }

    Future<GitLabReply> send(GitLabCall call) {
      Promise<GitLabReply> p = Promise.promise();
      context.runOnContext(v -> client.send(call).onComplete(p));
      return p.future();
    }

    /** Sends and cancels in the same event-loop turn: before the request object exists. */
    Future<GitLabReply> sendAndCancelAtOnce(GitLabCall call) {
      Promise<GitLabReply> p = Promise.promise();
      context.runOnContext(v -> {
        client.send(call).onComplete(p);
        client.cancel(call.callId());
      });
      return p.future();
    }

    void cancel(String callId) {
      context.runOnContext(v -> client.cancel(callId));
    }

  }

  // ---- what GitLab receives

  @Test
  void should_send_the_token_and_user_agent_and_keep_the_headers_the_gateway_uses(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo(USER + "?per_page=5")).willReturn(json(200, USER_JSON)
        .withHeader("X-Total", "1").withHeader("X-Next-Page", "").withHeader("Set-Cookie", "_gitlab_session=abc")));

    client(vertx, config()).send(getCall("/user?per_page=5")).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(200, reply.status());
      assertNull(reply.failure());
      assertEquals(1, reply.attempts());
      assertEquals(USER_JSON, reply.body().toString());
      assertEquals("1", reply.header("X-Total"));
      assertEquals("", reply.header("x-next-page"));
      assertNull(reply.header("set-cookie"), "headers the gateway does not use are dropped");
      gitlab.verify(1, getRequestedFor(urlEqualTo(USER + "?per_page=5"))
          .withHeader("PRIVATE-TOKEN", equalTo(TOKEN))
          .withHeader("User-Agent", equalTo(GitLabClient.USER_AGENT))
          .withHeader("Accept", equalTo("application/json")));
      assertTrue(GitLabClient.USER_AGENT.startsWith("gitlab-mcp-gateway/"), GitLabClient.USER_AGENT);
      ctx.completeNow();
    })));
  }

  @Test
  void should_send_no_token_for_anonymous_calls(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo("/api/v4/projects")).willReturn(json(200, "[]")));
    GitLabCall anonymous = new GitLabCall(null, "default", HttpMethod.GET, "/projects", null, Credential.ANONYMOUS,
        true);

    client(vertx, config()).send(anonymous).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(200, reply.status());
      gitlab.verify(1, getRequestedFor(urlEqualTo("/api/v4/projects")).withHeader("PRIVATE-TOKEN", absent())
          .withHeader("Authorization", absent()));
      ctx.completeNow();
    })));
  }

  @Test
  void should_reach_gitlab_under_a_subpath(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo("/gitlab/api/v4/user")).willReturn(json(200, USER_JSON)));

    client(vertx, config(gitlab.baseUrl() + "/gitlab", false, 5000, 1024 * 1024, 2)).send(getCall("/user"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(200, reply.status());
          ctx.completeNow();
        })));
  }

  @Test
  void should_send_a_json_body_with_its_content_type(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(any(urlEqualTo("/api/v4/projects/1/issues")).willReturn(json(201, "{\"iid\":7}")));
    GitLabCall post = new GitLabCall(null, "default", HttpMethod.POST, "/projects/1/issues",
        Buffer.buffer("{\"title\":\"Bug\"}"), CREDENTIAL, false);

    client(vertx, config()).send(post).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(201, reply.status());
      gitlab.verify(1, postRequestedFor(urlEqualTo("/api/v4/projects/1/issues"))
          .withHeader("Content-Type", equalTo("application/json"))
          .withRequestBody(equalToJson("{\"title\":\"Bug\"}")));
      ctx.completeNow();
    })));
  }

  // ---- retries

  private static void stubSequence(String url, ResponseDefinitionBuilder... replies) {
    String state = Scenario.STARTED;
    for (int i = 0; i < replies.length; i++) {
      String next = i == replies.length - 1 ? state : "after-" + i;
      gitlab.stubFor(get(urlEqualTo(url)).inScenario("sequence").whenScenarioStateIs(state)
          .willReturn(replies[i]).willSetStateTo(next));
      state = next;
    }
  }

  @Test
  void should_retry_a_GET_after_503(Vertx vertx, VertxTestContext ctx) {
    stubSequence(USER, json(503, "{\"message\":\"busy\"}"), json(200, USER_JSON));

    client(vertx, config()).send(getCall("/user")).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(200, reply.status());
      assertEquals(2, reply.attempts());
      assertEquals(USER_JSON, reply.body().toString());
      gitlab.verify(2, getRequestedFor(urlEqualTo(USER)));
      ctx.completeNow();
    })));
  }

  @Test
  void should_wait_as_long_as_Retry_After_says(Vertx vertx, VertxTestContext ctx) {
    stubSequence(USER, json(429, "{\"message\":\"Retry later\"}").withHeader("Retry-After", "1"),
        json(200, USER_JSON));
    RecordingTicker ticker = new RecordingTicker(vertx);

    client(vertx, config(), ticker).send(getCall("/user")).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(200, reply.status());
      assertEquals(2, reply.attempts());
      // The backoff alone is 200..300 ms: only Retry-After explains a wait of a second.
      assertEquals(List.of(1000L), ticker.waits);
      ctx.completeNow();
    })));
  }

  @Test
  void should_not_wait_for_a_Retry_After_beyond_the_request_timeout(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo(USER)).willReturn(json(503, "{}").withHeader("Retry-After", "3")));
    RecordingTicker ticker = new RecordingTicker(vertx);

    client(vertx, config(gitlab.baseUrl(), false, 2000, 1024 * 1024, 2), ticker).send(getCall("/user"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(503, reply.status());
          assertEquals(1, reply.attempts());
          assertEquals("3", reply.header("retry-after"));
          assertEquals(List.of(), ticker.waits, "no wait: the answer went back at once");
          ctx.completeNow();
        })));
  }

  @Test
  void should_not_retry_a_POST_after_503(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(any(urlEqualTo("/api/v4/projects/1/issues")).willReturn(json(503, "{\"message\":\"busy\"}")));
    GitLabCall post = new GitLabCall(null, "default", HttpMethod.POST, "/projects/1/issues",
        Buffer.buffer("{\"title\":\"Bug\"}"), CREDENTIAL, false);

    client(vertx, config()).send(post).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(503, reply.status());
      assertEquals(1, reply.attempts());
      gitlab.verify(1, postRequestedFor(urlEqualTo("/api/v4/projects/1/issues")));
      ctx.completeNow();
    })));
  }

  @Test
  void should_stop_retrying_after_maxRetries(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo(USER)).willReturn(json(502, "{\"message\":\"bad gateway\"}")));

    client(vertx, config(gitlab.baseUrl(), false, 10_000, 1024 * 1024, 2)).send(getCall("/user"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(502, reply.status());
          assertEquals(3, reply.attempts());
          gitlab.verify(3, getRequestedFor(urlEqualTo(USER)));
          ctx.completeNow();
        })));
  }

  @Test
  void should_not_retry_with_maxRetries_zero(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo(USER)).willReturn(json(503, "{}")));

    client(vertx, config(gitlab.baseUrl(), false, 5000, 1024 * 1024, 0)).send(getCall("/user"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(503, reply.status());
          assertEquals(1, reply.attempts());
          gitlab.verify(1, getRequestedFor(urlEqualTo(USER)));
          ctx.completeNow();
        })));
  }

  @Test
  void should_not_retry_a_404(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo(USER)).willReturn(json(404, "{\"message\":\"404 Not Found\"}")));

    client(vertx, config()).send(getCall("/user")).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(404, reply.status());
      assertEquals(1, reply.attempts());
      gitlab.verify(1, getRequestedFor(urlEqualTo(USER)));
      ctx.completeNow();
    })));
  }

  // ---- failures

  @Test
  void should_time_out_within_the_request_timeout(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo(USER)).willReturn(json(200, USER_JSON).withFixedDelay(3000)));

    client(vertx, config(gitlab.baseUrl(), false, 500, 1024 * 1024, 2)).send(getCall("/user"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          // GitLab's answer was due after 3 s: a TIMEOUT, not a 200, shows the 500 ms limit was applied.
          assertEquals(Failure.TIMEOUT, reply.failure());
          assertEquals(0, reply.status());
          assertEquals("GitLab did not answer within 500 ms", reply.failureDetail());
          ctx.completeNow();
        })));
  }

  @Test
  void should_refuse_a_body_over_maxResponseBytes(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo(USER)).willReturn(json(200, "[" + "1,".repeat(32 * 1024) + "1]")));

    client(vertx, config(gitlab.baseUrl(), false, 5000, 1024, 2)).send(getCall("/user"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(Failure.TOO_LARGE, reply.failure(), reply.failureDetail() + " after " + reply.attempts() + " attempts");
          assertEquals(0, reply.body().length());
          assertTrue(reply.failureDetail().contains("1024-byte limit"), reply.failureDetail());
          gitlab.verify(1, getRequestedFor(urlEqualTo(USER)));
          ctx.completeNow();
        })));
  }

  @Test
  void should_accept_a_body_of_exactly_maxResponseBytes(Vertx vertx, VertxTestContext ctx) {
    String body = "\"" + "x".repeat(1022) + "\"";
    gitlab.stubFor(get(urlEqualTo(USER)).willReturn(json(200, body)));

    client(vertx, config(gitlab.baseUrl(), false, 5000, 1024, 2)).send(getCall("/user"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(200, reply.status());
          assertEquals(1024, reply.body().length());
          ctx.completeNow();
        })));
  }

  @Test
  void should_report_a_refused_connection_after_retrying(Vertx vertx, VertxTestContext ctx) throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }

    client(vertx, config("http://127.0.0.1:" + closedPort, false, 5000, 1024 * 1024, 2)).send(getCall("/user"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(Failure.CONNECTION, reply.failure());
          assertEquals(3, reply.attempts());
          assertEquals("could not reach GitLab at 127.0.0.1 (connection refused or unreachable)", reply.failureDetail());
          assertFalse(reply.failureDetail().contains(TOKEN));
          ctx.completeNow();
        })));
  }

  // ---- cancellation

  @Test
  void should_cancel_a_pending_request_quickly(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo(USER)).willReturn(json(200, USER_JSON).withFixedDelay(3000)));
    Confined c = client(vertx, config());
    GitLabCall call = new GitLabCall("session-1/7", "default", HttpMethod.GET, "/user", null, CREDENTIAL, true);

    c.send(call).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      // The answer was due after 3 s; a CANCELLED, not a 200, shows the cancel ended the call.
      assertEquals(Failure.CANCELLED, reply.failure());
      gitlab.verify(1, getRequestedFor(urlEqualTo(USER)));
      ctx.completeNow();
    })));
    // Cancel once GitLab has the request in hand, as a client's notifications/cancelled would.
    vertx.setPeriodic(10, id -> {
      if (!gitlab.findAll(getRequestedFor(urlEqualTo(USER))).isEmpty()) {
        vertx.cancelTimer(id);
        c.cancel(call.callId());
      }
    });
  }

  @Test
  void should_cancel_a_request_cancelled_before_it_went_out(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo(USER)).willReturn(json(200, USER_JSON).withFixedDelay(3000)));
    GitLabCall call = new GitLabCall("session-1/8", "default", HttpMethod.GET, "/user", null, CREDENTIAL, true);

    client(vertx, config()).sendAndCancelAtOnce(call).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(Failure.CANCELLED, reply.failure(), "status " + reply.status());
      ctx.completeNow();
    })));
  }

  @Test
  void should_ignore_a_cancel_for_an_unknown_call(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo(USER)).willReturn(json(200, USER_JSON)));
    Confined c = client(vertx, config());
    c.cancel("no-such-call");

    c.send(new GitLabCall("session-1/9", "default", HttpMethod.GET, "/user", null, CREDENTIAL, true))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(200, reply.status());
          ctx.completeNow();
        })));
  }

  // ---- connections

  @Test
  void should_reuse_one_connection_for_sequential_calls(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlPathEqualTo(USER)).willReturn(json(200, USER_JSON)));
    AtomicInteger connections = new AtomicInteger();
    NetServer proxy = vertx.createNetServer().connectHandler(in -> {
      connections.incrementAndGet();
      in.pause();
      vertx.createNetClient().connect(gitlab.port(), "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          in.close();
          return;
        }
        in.pipeTo(ar.result());
        ar.result().pipeTo(in);
      });
    });

    proxy.listen(0, "127.0.0.1").compose(server -> {
      Confined c = client(vertx, config("http://127.0.0.1:" + server.actualPort(), false, 5000, 1024 * 1024, 2));
      Future<GitLabReply> chain = c.send(getCall("/user?n=0"));
      for (int i = 1; i < 20; i++) {
        int n = i;
        chain = chain.compose(r -> c.send(getCall("/user?n=" + n)));
      }
      return chain;
    }).onComplete(ctx.succeeding(last -> ctx.verify(() -> {
      assertEquals(200, last.status());
      gitlab.verify(20, getRequestedFor(urlPathEqualTo(USER)));
      assertEquals(1, connections.get(), "TCP connections opened for 20 sequential calls");
      ctx.completeNow();
    })));
  }

  @Test
  void should_speak_http2_without_tls_when_h2c_is_on(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo(USER)).willReturn(json(200, USER_JSON)));

    client(vertx, config(gitlab.baseUrl(), true, 5000, 1024 * 1024, 2)).send(getCall("/user"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(200, reply.status());
          assertEquals(USER_JSON, reply.body().toString());
          List<LoggedRequest> seen = gitlab.findAll(anyRequestedFor(anyUrl()));
          assertEquals(1, seen.size());
          assertEquals("HTTP/2.0", seen.get(0).getProtocol());
          assertEquals(TOKEN, seen.get(0).getHeader("PRIVATE-TOKEN"));
          ctx.completeNow();
        })));
  }

  @Test
  void should_speak_http1_to_a_plain_http_url_when_h2c_is_off(Vertx vertx, VertxTestContext ctx) {
    gitlab.stubFor(get(urlEqualTo(USER)).willReturn(json(200, USER_JSON)));

    client(vertx, config()).send(getCall("/user")).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(200, reply.status());
      assertEquals("HTTP/1.1", gitlab.findAll(anyRequestedFor(anyUrl())).get(0).getProtocol());
      ctx.completeNow();
    })));
  }
}
