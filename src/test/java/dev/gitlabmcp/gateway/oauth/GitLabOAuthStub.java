package dev.gitlabmcp.gateway.oauth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;

/**
 * WireMock playing GitLab's OAuth provider (Doorkeeper) as the gateway meets it: {@code /oauth/authorize}
 * approves at once and redirects back with a code and the state, {@code /oauth/token} exchanges that code
 * only with the right client, secret, redirect URI and a verifier (else GitLab's {@code invalid_grant}
 * body), {@code /api/v4/user} and {@code /api/v4/groups} answer for the token it issued.
 */
public final class GitLabOAuthStub implements AutoCloseable {

  public static final String APP_ID = "gitlab-app-id-1";
  public static final String APP_SECRET = "gloas-app-secret-0123456789";
  public static final String CODE = "gitlab-code-1";
  public static final String ACCESS = "gitlab-access-token-1";
  public static final String REFRESH = "gitlab-refresh-token-1";
  public static final String PROJECT_API = "/api/v4/projects/group%2Fproject";
  public static final String INVALID_GRANT = "{\"error\":\"invalid_grant\",\"error_description\":\"The provided "
      + "authorization grant is invalid, expired, revoked, does not match the redirection URI used in the "
      + "authorization request, or was issued to another client.\"}";

  private final WireMockServer server;

  private GitLabOAuthStub(WireMockServer server) {
    this.server = server;
  }

  /** Starts it; {@code callback} is the gateway's {@code /oauth/callback} URL. */
  public static GitLabOAuthStub start() {
    WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
        .templatingEnabled(true).globalTemplating(false));
    server.start();
    GitLabOAuthStub stub = new GitLabOAuthStub(server);
    stub.stubAll();
    return stub;
  }

  private void stubAll() {
    server.stubFor(get(urlPathEqualTo("/oauth/authorize")).willReturn(aResponse().withStatus(302)
        .withHeader("Location", "{{request.query.redirect_uri}}?code=" + CODE + "&state={{request.query.state}}")
        .withTransformers("response-template")));
    server.stubFor(post(urlPathEqualTo("/oauth/token")).atPriority(10).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json; charset=utf-8").withBody(INVALID_GRANT)));
    server.stubFor(post(urlPathEqualTo("/oauth/token")).atPriority(1)
        .withRequestBody(containing("grant_type=authorization_code"))
        .withRequestBody(containing("code=" + CODE))
        .withRequestBody(containing("client_id=" + APP_ID))
        .withRequestBody(containing("client_secret=" + APP_SECRET))
        .withRequestBody(containing("code_verifier="))
        .withRequestBody(containing("redirect_uri="))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody("{\"access_token\":\"" + ACCESS + "\",\"token_type\":\"Bearer\",\"expires_in\":7200,"
                + "\"refresh_token\":\"" + REFRESH + "\",\"scope\":\"api\",\"created_at\":1750000000}")));
    server.stubFor(get(urlPathEqualTo("/api/v4/user")).atPriority(10).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"401 Unauthorized\"}")));
    server.stubFor(get(urlPathEqualTo("/api/v4/user")).atPriority(1)
        .withHeader("Authorization", equalTo("Bearer " + ACCESS))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody("{\"id\":42,\"username\":\"alice\",\"name\":\"Alice\",\"state\":\"active\"}")));
    groups("[{\"id\":7,\"full_path\":\"acme/platform\",\"name\":\"platform\"}]");
  }

  /** {@code GET /api/v4/projects/group%2Fproject}, for the signed-in user's token only. */
  public void project() {
    server.stubFor(get(urlPathEqualTo(PROJECT_API)).withHeader("Authorization", equalTo("Bearer " + ACCESS))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody("{\"id\":5,\"name\":\"project\",\"path_with_namespace\":\"group/project\","
                + "\"visibility\":\"private\",\"web_url\":\"https://gitlab.example.com/group/project\"}")));
  }

  /** What {@code /api/v4/groups?min_access_level=10} lists for the user. */
  public void groups(String json) {
    server.stubFor(get(urlPathEqualTo("/api/v4/groups")).withHeader("Authorization", equalTo("Bearer " + ACCESS))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(json)));
  }

  /** GitLab's authorize screen answered "Deny": back to the gateway with access_denied. */
  public void denyAuthorize() {
    server.stubFor(get(urlPathEqualTo("/oauth/authorize")).willReturn(aResponse().withStatus(302)
        .withHeader("Location", "{{request.query.redirect_uri}}?error=access_denied&error_description=The+resource+"
            + "owner+or+authorization+server+denied+the+request.&state={{request.query.state}}")
        .withTransformers("response-template")));
  }

  public String url() {
    return server.baseUrl();
  }

  public WireMockServer server() {
    return server;
  }

  public List<LoggedRequest> tokenRequests() {
    return server.findAll(postRequestedFor(urlPathEqualTo("/oauth/token")));
  }

  @Override
  public void close() {
    server.stop();
  }
}
