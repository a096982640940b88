package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.config.ConfigLoader;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.limit.MemoryRateLimiter;
import dev.gitlabmcp.gateway.state.OAuthState;
import dev.gitlabmcp.gateway.state.TransientStore;
import dev.gitlabmcp.gateway.testing.ManualClock;
import dev.gitlabmcp.gateway.testing.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The authorization server's routes on a loopback port, with GitLab played by {@link GitLabOAuthStub}, memory
 * stores, a manual clock and the given grants; plus a cookie-carrying "browser" that never follows redirects.
 */
final class OAuthFixture implements AutoCloseable {

  static final String CLIENT_REDIRECT = "http://127.0.0.1:38999/callback";
  static final String VERIFIER = "verifier-0123456789-0123456789-0123456789-abcdef";

  final Vertx vertx = Vertx.vertx();
  final GitLabOAuthStub gitlab = GitLabOAuthStub.start();
  final ManualClock clock = new ManualClock(System.currentTimeMillis());
  final List<String> transientWrites = new CopyOnWriteArrayList<>();
  final OAuthState state = counted(OAuthState.memory(clock::millis), transientWrites);
  final KeyRing keys = KeyRing.forThisProcess();
  final GatewayConfig config;
  final GrantService grants;
  final int port;
  final WebClient web;
  final Map<String, String> cookies = new LinkedHashMap<>();
  private final HttpServer server;

  private final TestGateway gateway;

  /** The whole gateway (MCP, resource server and authorization server) on a port chosen up front. */
  static OAuthFixture gateway(Map<String, String> settings) {
    return new OAuthFixture(settings, Map.of(), fx -> { });
  }

  /** The whole gateway with more environment variables (another instance's client secret, say). */
  static OAuthFixture gateway(Map<String, String> settings, Map<String, String> env) {
    return new OAuthFixture(settings, env, fx -> { });
  }

  /** The whole gateway, once {@code beforeStart} prepared what it reads (an instances file naming the stub). */
  static OAuthFixture gateway(Map<String, String> settings, Map<String, String> env,
                              java.util.function.Consumer<OAuthFixture> beforeStart) {
    return new OAuthFixture(settings, env, beforeStart);
  }

  private OAuthFixture(Map<String, String> settings, Map<String, String> env,
                       java.util.function.Consumer<OAuthFixture> beforeStart) {
    this.port = freePort();
    beforeStart.accept(this);
    Map<String, String> flags = flags(settings);
    flags.put("server.port", Integer.toString(port));
    Map<String, String> environment = new LinkedHashMap<>(ENV);
    environment.putAll(env);
    this.gateway = TestGateway.start(gitlab.url(), flags, environment);
    this.config = gateway.running().config();
    this.grants = null;
    this.server = null;
    this.web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  private static final Map<String, String> ENV = Map.of("GITLAB_OAUTH_CLIENT_SECRET", GitLabOAuthStub.APP_SECRET);

  private Map<String, String> flags(Map<String, String> settings) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("gitlab.url", gitlab.url());
    flags.put("gitlab.backgroundChecks", "false");
    flags.put("oauth.enabled", "true");
    flags.put("server.publicUrl", issuer());
    flags.put("oauth.appId", GitLabOAuthStub.APP_ID);
    flags.putAll(settings);
    // "__INSTANCES__": three instances on the stub, the default with GITLAB_OAUTH_APP_ID, corp with its own
    // application, lab with none.
    if ("__INSTANCES__".equals(flags.get("gitlab.instances"))) {
      flags.put("gitlab.instances", "{\"instances\":[{\"name\":\"main\",\"url\":\"" + gitlab.url() + "\",\"default\":true},"
          + "{\"name\":\"corp\",\"label\":\"Corp GitLab\",\"url\":\"" + gitlab.url() + "\",\"oauth\":{\"clientId\":\"corp-app\"}},"
          + "{\"name\":\"lab\",\"url\":\"" + gitlab.url() + "\"}]}");
    }
    // "__TWO__": instance a on the stub (the default, with GITLAB_OAUTH_APP_ID), b on the test's own GitLab B.
    if ("__TWO__".equals(flags.get("gitlab.instances"))) {
      flags.put("gitlab.instances", twoInstances(flags.remove("gitlab.b.url"), ""));
    }
    return flags;
  }

  /** Instance a on the stub (the default), b at {@code bUrl} with app b-app-id, and {@code more} entries. */
  String twoInstances(String bUrl, String more) {
    return "{\"instances\":[{\"name\":\"a\",\"url\":\"" + gitlab.url() + "\",\"default\":true}"
        + (bUrl == null ? "" : ",{\"name\":\"b\",\"url\":\"" + bUrl + "\",\"oauth\":{\"clientId\":\"b-app-id\"}}")
        + more + "]}";
  }

  OAuthFixture(Map<String, String> settings, Function<OAuthFixture, GrantService> grants,
               Predicate<InetAddress> fetchable, HttpClientOptions fetchOptions) {
    this.port = freePort();
    this.gateway = null;
    this.config = ConfigLoader.withoutDefaultFile(flags(settings), ENV).load(GatewayConfig.Mode.HTTP).config();
    this.grants = grants.apply(this);
    OAuthRoutes routes = OAuthRoutes.create(vertx, config, new InstanceDirectory(config.instances().list()), state,
        keys, this.grants, new MemoryRateLimiter(1000, clock::millis), clock::millis, fetchable, fetchOptions);
    Router router = Router.router(vertx);
    routes.mount(router);
    this.server = await(vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1"));
    this.web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  OAuthFixture(Function<OAuthFixture, GrantService> grants) {
    this(Map.of(), grants, new PublicAddresses(), new HttpClientOptions());
  }

  /** The memory stores, with the keys written to the transient one recorded (prefix up to the hash). */
  private static OAuthState counted(OAuthState memory, List<String> writes) {
    TransientStore t = memory.transients();
    TransientStore recording = new TransientStore() {
      public Future<Void> put(String key, String value, long ttlMillis) {
        writes.add(key.substring(0, key.lastIndexOf(':') + 1));
        return t.put(key, value, ttlMillis);
      }

      public Future<String> get(String key) {
        return t.get(key);
      }

      public Future<String> take(String key) {
        return t.take(key);
      }

      public Future<Boolean> putIfAbsent(String key, String value, long ttlMillis) {
        return t.putIfAbsent(key, value, ttlMillis);
      }

      public Future<Boolean> removeIf(String key, String value) {
        return t.removeIf(key, value);
      }
    };
    return new OAuthState(recording, memory.clients(), memory.grants(), memory.consents());
  }

  String issuer() {
    return "http://127.0.0.1:" + port;
  }

  String resource() {
    return issuer() + "/mcp";
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A request to the gateway (or any absolute URL) with this browser's cookies; answers are not followed. */
  HttpResponse<Buffer> browse(HttpMethod method, String url, MultiMap form) {
    String abs = url.startsWith("http") ? url : issuer() + url;
    HttpRequest<Buffer> req = web.requestAbs(method, abs);
    if (!cookies.isEmpty() && abs.startsWith(issuer())) {
      req.putHeader("Cookie", String.join("; ", cookies.entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).toList()));
    }
    HttpResponse<Buffer> resp = await(form == null ? req.send() : req.sendForm(form));
    for (String set : resp.cookies()) {
      String pair = set.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq);
      if (pair.substring(eq + 1).isEmpty()) {
        cookies.remove(name);
      } else {
        cookies.put(name, pair.substring(eq + 1));
      }
    }
    return resp;
  }

  HttpResponse<Buffer> get(String url) {
    return browse(HttpMethod.GET, url, null);
  }

  HttpResponse<Buffer> post(String url, MultiMap form) {
    return browse(HttpMethod.POST, url, form);
  }

  HttpResponse<Buffer> postJson(String path, JsonObject body) {
    return await(web.postAbs(issuer() + path).sendJsonObject(body));
  }

  /** Registers a public client with the test redirect URI; returns its client_id. */
  String registerClient() {
    HttpResponse<Buffer> r = postJson("/oauth/register", new JsonObject().put("client_name", "Test Client")
        .put("redirect_uris", new io.vertx.core.json.JsonArray().add(CLIENT_REDIRECT))
        .put("token_endpoint_auth_method", "none").put("application_type", "native"));
    if (r.statusCode() != 201) {
      throw new IllegalStateException("registration failed: " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getString("client_id");
  }

  String authorizePath(String clientId, String extra) {
    return "/oauth/authorize?response_type=code&client_id=" + enc(clientId) + "&redirect_uri=" + enc(CLIENT_REDIRECT)
        + "&code_challenge=" + Pkce.challengeOf(VERIFIER) + "&code_challenge_method=S256&state=client-state-1"
        + "&resource=" + enc(resource()) + "&scope=api" + extra;
  }

  /** The hidden field {@code name} of the consent form. */
  static String field(String html, String name) {
    Matcher m = Pattern.compile("name=" + name + " value=\"([^\"]*)\"").matcher(html);
    if (!m.find()) {
      throw new IllegalStateException("no field " + name + " in " + html);
    }
    return m.group(1).replace("&quot;", "\"").replace("&amp;", "&");
  }

  /** The consent page approved (or denied) by this browser, with the instances the page ticked. */
  HttpResponse<Buffer> decide(HttpResponse<Buffer> page, String decision, boolean remember) {
    return decide(page, decision, remember, ticked(page.bodyAsString()));
  }

  /** The consent page answered with these instances ticked. */
  HttpResponse<Buffer> decide(HttpResponse<Buffer> page, String decision, boolean remember, List<String> instances) {
    String html = page.bodyAsString();
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("request", field(html, "request"))
        .add("csrf", field(html, "csrf")).add("decision", decision);
    instances.forEach(i -> form.add("instance", i));
    if (html.contains("name=picker value=1")) {
      form.add("picker", "1");
    }
    if (remember) {
      form.add("remember", "yes");
    }
    return post("/oauth/authorize/decision", form);
  }

  /** The instances a browser would post: the hidden one, or the checkboxes ticked. */
  static List<String> ticked(String html) {
    List<String> out = new java.util.ArrayList<>();
    Matcher m = Pattern.compile("<input type=(hidden|checkbox) name=instance value=\"([^\"]*)\"( checked)?")
        .matcher(html);
    while (m.find()) {
      if (m.group(1).equals("hidden") || m.group(3) != null) {
        out.add(m.group(2));
      }
    }
    return out;
  }

  /** The instances offered on the consent page. */
  static List<String> offered(String html) {
    List<String> out = new java.util.ArrayList<>();
    Matcher m = Pattern.compile("<input type=(?:hidden|checkbox) name=instance value=\"([^\"]*)\"").matcher(html);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** Authorize → approve → GitLab (auto-approving) → callback: the final redirect to the client. */
  HttpResponse<Buffer> signIn(String clientId) {
    HttpResponse<Buffer> page = get(authorizePath(clientId, ""));
    if (page.statusCode() != 200) {
      throw new IllegalStateException("no consent page: " + page.statusCode() + " " + page.getHeader("Location")
          + " " + page.bodyAsString());
    }
    return followToClient(decide(page, "approve", false));
  }

  /** From a redirect to GitLab, through its authorize and the gateway's callback, to the client's redirect. */
  HttpResponse<Buffer> followToClient(HttpResponse<Buffer> toGitLab) {
    HttpResponse<Buffer> atGitLab = get(toGitLab.getHeader("Location"));
    return get(atGitLab.getHeader("Location"));
  }

  static Map<String, String> query(String location) {
    return dev.gitlabmcp.gateway.testing.QueryStrings.of(location);
  }

  HttpResponse<Buffer> token(MultiMap form) {
    return await(web.postAbs(issuer() + "/oauth/token").sendForm(form));
  }

  MultiMap codeExchange(String clientId, String code) {
    return MultiMap.caseInsensitiveMultiMap().add("grant_type", "authorization_code").add("code", code)
        .add("client_id", clientId).add("redirect_uri", CLIENT_REDIRECT).add("code_verifier", VERIFIER)
        .add("resource", resource());
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (gateway != null) {
      gateway.close();
    } else {
      await(server.close());
    }
    await(vertx.close());
    gitlab.close();
  }
}
