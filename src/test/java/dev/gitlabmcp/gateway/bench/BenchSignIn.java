package dev.gitlabmcp.gateway.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs one benchmark user in with GitLab through the gateway's real OAuth endpoints, as a browser and an
 * MCP client would: dynamic registration, authorize (the consent page approved with its CSRF token and the
 * flow cookie), the fake GitLab's authorize and the gateway's callback, then the code exchanged with PKCE.
 * The fake GitLab ({@link Benchmark#startFakeGitLab}) gives each sign-in a new user. Returns the gateway's
 * access token.
 */
final class BenchSignIn {

  private static final String REDIRECT = "http://127.0.0.1:38990/callback";
  private static final String VERIFIER = "bench-verifier-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFG";
  private static final HttpClient JDK = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

  private final String issuer;
  private final Map<String, String> cookies = new LinkedHashMap<>();

  private BenchSignIn(String issuer) {
    this.issuer = issuer;
  }

  /** {@code users} sign-ins of one registered client (registrations are limited per address), each a new user. */
  static java.util.List<String> accessTokens(int port, int users) throws Exception {
    String issuer = "http://127.0.0.1:" + port;
    HttpResponse<String> reg = new BenchSignIn(issuer).send(HttpRequest.newBuilder(URI.create(issuer
        + "/oauth/register")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("client_name", "bench").put("redirect_uris", new io.vertx.core.json.JsonArray()
                .add(REDIRECT)).put("token_endpoint_auth_method", "none").encode())));
    String client = expect(reg, 201).getString("client_id");
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < users; i++) {
      out.add(new BenchSignIn(issuer).run(client)); // a new browser each: its own flow cookie
    }
    return out;
  }

  private String run(String client) throws Exception {
    String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
        .digest(VERIFIER.getBytes(StandardCharsets.US_ASCII)));
    String resource = issuer + "/mcp";
    HttpResponse<String> page = get(issuer + "/oauth/authorize?response_type=code&client_id=" + enc(client)
        + "&redirect_uri=" + enc(REDIRECT) + "&code_challenge=" + challenge + "&code_challenge_method=S256"
        + "&state=bench&scope=api&resource=" + enc(resource));
    if (page.statusCode() != 200) {
      throw new IllegalStateException("authorize answered " + page.statusCode() + ": " + page.body());
    }
    String form = "request=" + enc(field(page.body(), "request")) + "&csrf=" + enc(field(page.body(), "csrf"))
        + "&instance=" + enc(field(page.body(), "instance")) + "&decision=approve";
    HttpResponse<String> toGitLab = send(HttpRequest.newBuilder(URI.create(issuer + "/oauth/authorize/decision"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", issuer)
        .POST(HttpRequest.BodyPublishers.ofString(form)));
    HttpResponse<String> atGitLab = get(location(toGitLab));
    HttpResponse<String> back = get(location(atGitLab));
    String code = query(location(back)).get("code");
    if (code == null) {
      throw new IllegalStateException("no code: " + location(back));
    }
    HttpResponse<String> token = send(HttpRequest.newBuilder(URI.create(issuer + "/oauth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(
            "grant_type=authorization_code&code=" + enc(code) + "&client_id=" + enc(client) + "&redirect_uri="
                + enc(REDIRECT) + "&code_verifier=" + VERIFIER + "&resource=" + enc(resource))));
    return expect(token, 200).getString("access_token");
  }

  private HttpResponse<String> get(String url) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  /** Sends with the flow cookies of the gateway (only to the gateway) and keeps those it sets. */
  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    HttpRequest probe = b.copy().build();
    if (probe.uri().toString().startsWith(issuer) && !cookies.isEmpty()) {
      b.header("Cookie", String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .toList()));
    }
    HttpResponse<String> r = JDK.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.uri().toString().startsWith(issuer)) {
      for (String set : r.headers().allValues("Set-Cookie")) {
        String pair = set.split(";", 2)[0];
        int eq = pair.indexOf('=');
        cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return r;
  }

  private static JsonObject expect(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(r.uri() + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  private static String location(HttpResponse<String> r) {
    return r.headers().firstValue("Location").orElseThrow(() -> new IllegalStateException(r.uri() + " answered "
        + r.statusCode() + " without a Location: " + r.body()));
  }

  private static String field(String html, String name) {
    Matcher m = Pattern.compile("name=" + name + " value=\"([^\"]*)\"").matcher(html);
    if (!m.find()) {
      throw new IllegalStateException("the consent page has no " + name + " field");
    }
    return m.group(1).replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  private static Map<String, String> query(String location) {
    return dev.gitlabmcp.gateway.testing.QueryStrings.of(location);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
