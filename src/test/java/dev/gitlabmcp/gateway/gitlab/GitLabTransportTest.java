package dev.gitlabmcp.gateway.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.OAuthClientConfig;
import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.testing.SelfSignedCert;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.KeyStoreOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * How the gateway reaches a GitLab instance: HTTP/2 negotiated over TLS with a custom CA, h2c, connection
 * reuse under load, the HTTP proxy and its exceptions, and the loud opt-out of certificate checks. WireMock
 * plays GitLab over TLS; small Vert.x servers stand in where connections must be counted or a proxy is needed.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GitLabTransportTest {

  private static final String VERSION = "/api/v4/version";
  private static final String VERSION_JSON = "{\"version\":\"17.2.1-ee\",\"revision\":\"abc\",\"enterprise\":true}";
  private static final int CONCURRENT_CALLS = 200;

  private static Path dir;
  private static SelfSignedCert cert;
  private static WireMockServer tlsGitLab;
  private static Vertx vertx;
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<GitLabClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("gitlab-transport");
    cert = SelfSignedCert.create(dir);
    tlsGitLab = new WireMockServer(WireMockConfiguration.options().httpDisabled(true).dynamicHttpsPort()
        .keystorePath(cert.keyStore().toString()).keystorePassword(cert.password()).keyManagerPassword(cert.password())
        .keystoreType("PKCS12"));
    tlsGitLab.start();
    tlsGitLab.stubFor(get(urlEqualTo(VERSION)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(VERSION_JSON)));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    tlsGitLab.stop();
    await(vertx.close());
  }

  @AfterEach
  void closeServersAndClients() throws Exception {
    for (GitLabClient c : clients) {
      await(c.close());
    }
    for (HttpServer s : servers) {
      await(s.close());
    }
  }

  @Test
  void should_negotiate_http2_over_tls_when_caFile_trusts_the_gitlab_certificate() throws Exception {
    GitLabConfig cfg = config("corp", "https://localhost:" + tlsGitLab.httpsPort()).caFile(cert.pem()).build();

    HttpClientResponse resp = rawGet(cfg);
    GitLabReply reply = send(client(cfg), VERSION_CALL);

    assertEquals(HttpVersion.HTTP_2, resp.version());
    assertEquals(200, resp.statusCode());
    assertTrue(reply.ok(), String.valueOf(reply));
    assertTrue(reply.body().toString().contains("17.2.1-ee"), reply.body().toString());
  }

  @Test
  void should_fail_with_a_tls_error_when_the_gitlab_certificate_is_not_trusted() throws Exception {
    GitLabConfig cfg = config("corp", "https://localhost:" + tlsGitLab.httpsPort()).build();

    ExecutionException raw = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> rawGet(cfg));
    GitLabReply reply = send(client(cfg), VERSION_CALL);

    assertInstanceOf(SSLHandshakeException.class, raw.getCause(), String.valueOf(raw.getCause()));
    assertEquals(GitLabReply.Failure.CONNECTION, reply.failure());
    assertEquals("could not reach GitLab at localhost (TLS handshake failed)", reply.failureDetail());
  }

  @Test
  void should_keep_trusting_the_public_CAs_when_caFile_adds_one() throws Exception {
    TrustManager[] managers = new GitLabClientFactory.JdkAndPemTrust(cert.pem().toString())
        .getTrustManagerFactory(vertx).getTrustManagers();
    X509Certificate[] issuers = ((X509TrustManager) managers[0]).getAcceptedIssuers();

    assertTrue(java.util.Arrays.stream(issuers).anyMatch(c -> c.getSubjectX500Principal().getName().equals("CN=localhost")),
        "the CA from caFile is trusted");
    assertTrue(issuers.length > 10, "the JVM's public CAs are still trusted: " + issuers.length);
  }

  @Test
  void should_speak_http1_1_over_tls_when_http2_is_off() throws Exception {
    GitLabConfig cfg = config("corp", "https://localhost:" + tlsGitLab.httpsPort()).caFile(cert.pem()).http2(false)
        .build();

    HttpClientResponse resp = rawGet(cfg);

    assertEquals(HttpVersion.HTTP_1_1, resp.version());
    assertEquals(200, resp.statusCode());
  }

  @Test
  void should_accept_any_certificate_and_warn_loudly_when_insecureSkipVerify_is_set() throws Exception {
    GitLabConfig cfg = config("lab", "https://localhost:" + tlsGitLab.httpsPort()).insecure().build();
    List<String> warnings;
    GitLabReply reply;

    try (Warnings captured = new Warnings()) {
      reply = send(client(cfg), VERSION_CALL);
      warnings = captured.lines();
    }

    assertTrue(reply.ok(), String.valueOf(reply));
    assertEquals(1, warnings.size(), String.valueOf(warnings));
    assertTrue(warnings.get(0).contains("gitlab_tls_verification_disabled instance=lab"), warnings.get(0));
    assertTrue(warnings.get(0).contains("insecureSkipVerify=true"), warnings.get(0));
  }

  @Test
  void should_not_warn_when_certificates_are_checked() throws Exception {
    GitLabConfig cfg = config("corp", "https://localhost:" + tlsGitLab.httpsPort()).caFile(cert.pem()).build();

    try (Warnings captured = new Warnings()) {
      assertTrue(send(client(cfg), VERSION_CALL).ok());
      assertEquals(List.of(), captured.lines());
    }
  }

  @Test
  void should_speak_h2c_with_prior_knowledge_when_configured() throws Exception {
    Counting gitlab = countingGitLab(new HttpServerOptions(), 0);
    GitLabConfig cfg = config("corp", "http://127.0.0.1:" + gitlab.port).h2c(true).build();

    HttpClientResponse resp = rawGet(cfg);

    assertEquals(HttpVersion.HTTP_2, resp.version());
    assertEquals(Set.of(HttpVersion.HTTP_2), gitlab.versions);
  }

  @Test
  void should_keep_http1_1_connections_within_maxConnections_under_200_concurrent_calls() throws Exception {
    Counting gitlab = countingGitLab(new HttpServerOptions(), 20);
    GitLabConfig cfg = config("corp", "http://127.0.0.1:" + gitlab.port).maxConnections(8).build();

    List<GitLabReply> replies = sendConcurrently(client(cfg), CONCURRENT_CALLS);

    assertEquals(CONCURRENT_CALLS, replies.stream().filter(GitLabReply::ok).count());
    assertEquals(Set.of(HttpVersion.HTTP_1_1), gitlab.versions);
    assertTrue(gitlab.connections.get() <= 8, "connections seen by GitLab: " + gitlab.connections.get());
    System.out.println("http/1.1 maxConnections=8: " + CONCURRENT_CALLS + " calls over " + gitlab.connections.get()
        + " connections");
  }

  @Test
  void should_multiplex_200_concurrent_calls_over_one_or_two_h2_connections_over_tls() throws Exception {
    HttpServerOptions tls = new HttpServerOptions().setSsl(true).setUseAlpn(true)
        .setKeyCertOptions(new KeyStoreOptions().setType("PKCS12").setPath(cert.keyStore().toString())
            .setPassword(cert.password()));
    Counting gitlab = countingGitLab(tls, 20);
    GitLabConfig cfg = config("corp", "https://localhost:" + gitlab.port).caFile(cert.pem()).maxConnections(32)
        .build();

    List<GitLabReply> replies = sendConcurrently(client(cfg), CONCURRENT_CALLS);

    assertEquals(CONCURRENT_CALLS, replies.stream().filter(GitLabReply::ok).count());
    assertEquals(Set.of(HttpVersion.HTTP_2), gitlab.versions);
    assertTrue(gitlab.connections.get() >= 1 && gitlab.connections.get() <= 2,
        "connections seen by GitLab: " + gitlab.connections.get());
    System.out.println("h2 over TLS maxConnections=32: " + CONCURRENT_CALLS + " calls over "
        + gitlab.connections.get() + " connections");
  }

  @Test
  void should_multiplex_200_concurrent_calls_over_one_or_two_h2c_connections() throws Exception {
    Counting gitlab = countingGitLab(new HttpServerOptions(), 20);
    GitLabConfig cfg = config("corp", "http://127.0.0.1:" + gitlab.port).h2c(true).maxConnections(32).build();

    List<GitLabReply> replies = sendConcurrently(client(cfg), CONCURRENT_CALLS);

    assertEquals(CONCURRENT_CALLS, replies.stream().filter(GitLabReply::ok).count());
    assertEquals(Set.of(HttpVersion.HTTP_2), gitlab.versions);
    assertTrue(gitlab.connections.get() >= 1 && gitlab.connections.get() <= 2,
        "connections seen by GitLab: " + gitlab.connections.get());
  }

  @Test
  void should_send_requests_through_the_configured_proxy() throws Exception {
    Counting gitlab = countingGitLab(new HttpServerOptions(), 0);
    Proxy proxy = proxy();
    String url = "http://127.0.0.1:" + gitlab.port;
    GitLabConfig cfg = config("corp", url).proxy("http://127.0.0.1:" + proxy.port, List.of("gitlab.example.com"))
        .build();

    GitLabReply reply = send(client(cfg), VERSION_CALL);

    assertTrue(reply.ok(), String.valueOf(reply));
    assertEquals(List.of(url + VERSION), proxy.targets, "the proxy got the absolute-form request");
    assertEquals(0, gitlab.requests.get(), "GitLab itself was not contacted directly");
  }

  @Test
  void should_reach_a_noProxy_host_directly() throws Exception {
    Counting gitlab = countingGitLab(new HttpServerOptions(), 0);
    Proxy proxy = proxy();
    GitLabConfig cfg = config("corp", "http://127.0.0.1:" + gitlab.port)
        .proxy("http://127.0.0.1:" + proxy.port, List.of("gitlab.example.com", "127.0.0.1")).build();

    GitLabReply reply = send(client(cfg), VERSION_CALL);

    assertTrue(reply.ok(), String.valueOf(reply));
    assertEquals(List.of(), proxy.targets);
    assertEquals(1, gitlab.requests.get());
  }

  @Test
  void should_tunnel_https_through_the_proxy_and_still_negotiate_http2() throws Exception {
    Proxy proxy = proxy();
    GitLabConfig cfg = config("corp", "https://localhost:" + tlsGitLab.httpsPort()).caFile(cert.pem())
        .proxy("http://127.0.0.1:" + proxy.port, List.of()).build();

    HttpClientResponse resp = rawGet(cfg);

    assertEquals(HttpVersion.HTTP_2, resp.version());
    assertEquals(200, resp.statusCode());
    assertEquals(List.of("CONNECT localhost:" + tlsGitLab.httpsPort()), proxy.targets);
  }

  @Test
  void should_match_noProxy_entries_by_exact_host_or_domain_suffix() {
    List<String> noProxy = List.of("gitlab.internal", ".corp.example.com", "*.lab.example.org", " [::1] ");

    assertTrue(GitLabClientFactory.bypassesProxy("gitlab.internal", noProxy));
    assertTrue(GitLabClientFactory.bypassesProxy("GitLab.Internal", noProxy));
    assertTrue(GitLabClientFactory.bypassesProxy("gitlab.corp.example.com", noProxy));
    assertTrue(GitLabClientFactory.bypassesProxy("corp.example.com", noProxy));
    assertTrue(GitLabClientFactory.bypassesProxy("git.lab.example.org", noProxy));
    assertTrue(GitLabClientFactory.bypassesProxy("[::1]", noProxy));
    assertFalse(GitLabClientFactory.bypassesProxy("gitlab.com", noProxy));
    assertFalse(GitLabClientFactory.bypassesProxy("evilcorp.example.com", noProxy));
    assertFalse(GitLabClientFactory.bypassesProxy("gitlab.internal.evil.com", noProxy));
    assertTrue(GitLabClientFactory.bypassesProxy("anything", List.of("*")));
  }

  @Test
  void should_size_the_pool_by_maxConnections_and_keep_connections_alive() {
    GitLabConfig cfg = config("corp", "https://gitlab.corp.example.com").maxConnections(12).build();

    var options = GitLabClientFactory.options(cfg);
    var pool = GitLabClientFactory.pool(cfg);

    assertTrue(options.isKeepAlive());
    assertEquals(12, pool.getHttp1MaxSize());
    assertEquals(2, pool.getHttp2MaxSize());
    assertNull(options.getProxyOptions());
  }

  // ---- helpers

  private static final GitLabCall VERSION_CALL = new GitLabCall(null, "corp", HttpMethod.GET, "/version", null,
      Credential.ANONYMOUS, true);

  /** A GitLab config with test-friendly defaults; each test sets what it is about. */
  private static Builder config(String name, String url) {
    return new Builder(name, url);
  }

  private static final class Builder {
    private final String name;
    private final String url;
    private boolean http2 = true;
    private boolean h2c;
    private int maxConnections = 8;
    private String caFile = "";
    private boolean insecure;
    private String proxy = "";
    private List<String> noProxy = List.of();

    Builder(String name, String url) {
      this.name = name;
      this.url = url;
    }

    Builder http2(boolean v) {
      http2 = v;
      return this;
    }

    Builder h2c(boolean v) {
      h2c = v;
      return this;
    }

    Builder maxConnections(int v) {
      maxConnections = v;
      return this;
    }

    Builder caFile(Path p) {
      caFile = p.toString();
      return this;
    }

    Builder insecure() {
      insecure = true;
      return this;
    }

    Builder proxy(String p, List<String> exceptions) {
      proxy = p;
      noProxy = exceptions;
      return this;
    }

    GitLabConfig build() {
      return new GitLabConfig(name, URI.create(url), Secret.NONE, http2, h2c, maxConnections, 60, 2000, 15_000,
          1024 * 1024, 0, name, true, caFile, insecure, proxy, noProxy, OAuthClientConfig.NONE,
          RateLimitConfig.DEFAULT);
    }
  }

  private GitLabClient client(GitLabConfig cfg) {
    GitLabClient c = new GitLabClient(vertx, cfg);
    clients.add(c);
    return c;
  }

  /** One GET through a client built by the factory, to see the negotiated protocol. */
  private static HttpClientResponse rawGet(GitLabConfig cfg) throws Exception {
    HttpClientAgent http = GitLabClientFactory.create(vertx, cfg);
    try {
      return await(http.request(new RequestOptions().setAbsoluteURI(cfg.apiBase() + "/version"))
          .compose(req -> req.send())
          .compose(resp -> resp.body().map(body -> resp)));
    } finally {
      await(http.close());
    }
  }

  private static GitLabReply send(GitLabClient client, GitLabCall call) throws Exception {
    return sendConcurrently(client, 1).get(0);
  }

  /** The calls all start in one event-loop turn on one context: GitLabClient is confined to its loop. */
  private static List<GitLabReply> sendConcurrently(GitLabClient client, int n) throws Exception {
    Context context = vertx.getOrCreateContext();
    Promise<List<GitLabReply>> all = Promise.promise();
    context.runOnContext(v -> {
      List<Future<GitLabReply>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(client.send(VERSION_CALL));
      }
      Future.all(futures).map(cf -> futures.stream().map(Future::result).toList()).onComplete(all);
    });
    return await(all.future());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A GitLab that counts TCP connections and answers /version after {@code delayMs}. */
  private Counting countingGitLab(HttpServerOptions options, long delayMs) throws Exception {
    Counting c = new Counting();
    HttpServer server = vertx.createHttpServer(options)
        .connectionHandler(conn -> c.connections.incrementAndGet())
        .requestHandler(req -> {
          c.requests.incrementAndGet();
          c.versions.add(req.version());
          Consumer<HttpServerRequest> answer = r -> r.response().putHeader("Content-Type", "application/json")
              .end(VERSION_JSON);
          if (delayMs > 0) {
            vertx.setTimer(delayMs, t -> answer.accept(req));
          } else {
            answer.accept(req);
          }
        });
    c.port = await(server.listen(0, "127.0.0.1")).actualPort();
    servers.add(server);
    return c;
  }

  private static final class Counting {
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final Set<HttpVersion> versions = ConcurrentHashMap.newKeySet();
    int port;
  }

  /**
   * A forward proxy: records each target; plain http (absolute-form) it answers for GitLab, https
   * (CONNECT) it tunnels to the real server.
   */
  private Proxy proxy() throws Exception {
    Proxy p = new Proxy();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      if (req.method() == HttpMethod.CONNECT) {
        p.targets.add("CONNECT " + req.uri());
        tunnel(req);
        return;
      }
      p.targets.add(req.uri());
      req.response().putHeader("Content-Type", "application/json").end(VERSION_JSON);
    });
    p.port = await(server.listen(0, "127.0.0.1")).actualPort();
    servers.add(server);
    return p;
  }

  /** CONNECT host:port: answer 200 and splice the bytes both ways, as a corporate proxy does for https. */
  private static void tunnel(HttpServerRequest req) {
    String[] target = req.uri().split(":");
    req.pause();
    vertx.createNetClient().connect(Integer.parseInt(target[1]), target[0])
        .onFailure(e -> req.response().setStatusCode(502).end())
        .onSuccess(upstream -> req.toNetSocket().onSuccess(client -> {
          client.pipeTo(upstream);
          upstream.pipeTo(client);
        }));
  }

  private static final class Proxy {
    final List<String> targets = java.util.Collections.synchronizedList(new ArrayList<>());
    int port;
  }

  /** The WARN lines of the factory's logger while open: what an operator's log shows. */
  private static final class Warnings implements AutoCloseable {
    private final ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(GitLabClientFactory.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    Warnings() {
      appender.start();
      logger.addAppender(appender);
    }

    List<String> lines() {
      synchronized (appender.list) {
        return appender.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
            .map(ILoggingEvent::getFormattedMessage).toList();
      }
    }

    @Override
    public void close() {
      logger.detachAppender(appender);
      appender.stop();
    }
  }
}
