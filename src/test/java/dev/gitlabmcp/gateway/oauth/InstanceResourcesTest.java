package dev.gitlabmcp.gateway.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Several GitLab instances: the resource names the instance, and each instance signs in with its own application. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class InstanceResourcesTest {

  private final OAuthFixture f = new OAuthFixture(Map.of("gitlab.instances", "__INSTANCES__"),
      fx -> new Grants(fx.state.grants(), fx.keys, fx.clock::millis, Grants.Lifetimes.DEFAULTS),
      new PublicAddresses(), new HttpClientOptions());

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void should_sign_in_to_the_instance_the_resource_names_with_that_instances_application() {
    String client = f.registerClient();
    String path = f.authorizePath(client, "").replace(OAuthFixture.enc(f.resource()),
        OAuthFixture.enc(f.issuer() + "/mcp/corp"));
    HttpResponse<Buffer> page = f.get(path);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    assertTrue(page.bodyAsString().contains("Corp GitLab"), "names the instance");

    HttpResponse<Buffer> toGitLab = f.decide(page, "approve", false);
    assertEquals("corp-app", OAuthFixture.query(toGitLab.getHeader("Location")).get("client_id"));
    assertEquals(f.issuer() + "/.well-known/oauth-protected-resource/mcp/corp",
        f.config.oauth().resourceMetadata("corp"));
    assertEquals(f.issuer() + "/mcp/corp",
        f.get("/.well-known/oauth-protected-resource/mcp/corp").bodyAsJsonObject().getString("resource"));
  }

  @Test
  void should_refuse_a_resource_of_an_instance_without_an_application() {
    String client = f.registerClient();
    HttpResponse<Buffer> r = f.get(f.authorizePath(client, "").replace(OAuthFixture.enc(f.resource()),
        OAuthFixture.enc(f.issuer() + "/mcp/lab")));
    assertEquals(302, r.statusCode());
    Map<String, String> q = OAuthFixture.query(r.getHeader("Location"));
    assertEquals("invalid_target", q.get("error"));
    assertTrue(q.get("error_description").contains("lab"), q.get("error_description"));
  }
}
