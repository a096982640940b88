package dev.gitlabmcp.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.auth.CredentialHandle;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.OAuthClientConfig;
import dev.gitlabmcp.gateway.config.RateLimitConfig;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class InstanceToolsTest {

  static GitLabConfig instance(String name, boolean isDefault) {
    return new GitLabConfig(name, URI.create("https://" + name + ".example"), Secret.NONE, true, false, 4, 60, 1000,
        5000, 1 << 20, 0, name + " GitLab", isDefault, "", false, "", List.of(), OAuthClientConfig.NONE,
        RateLimitConfig.DEFAULT);
  }

  final InstanceTools tools = new InstanceTools(new InstanceDirectory(List.of(instance("main", true),
      instance("other", false))), true);
  final List<String> moved = new ArrayList<>();

  @Test
  void should_refuse_switching_a_session_signed_in_with_gitlab_and_say_how_to_connect_the_other_instance() {
    Principal signedIn = new Principal("main", new CredentialHandle.Grant("g1", List.of("api"), List.of("main")),
        "main:42", true);
    InstanceTools.Outcome o = tools.switchTo(new JsonObject().put("instance", "other"), "main", signedIn, moved::add);
    assertFalse(o.changed());
    assertTrue(moved.isEmpty());
    assertEquals(Boolean.TRUE, o.result().getBoolean("isError"));
    String text = o.result().getJsonArray("content").getJsonObject(0).getString("text");
    assertTrue(text.contains("This sign-in did not connect other (other GitLab); it connected main. Sign in again "
        + "through /mcp/other to connect it."), text);
  }

  @Test
  void should_send_a_sign_in_to_the_path_of_an_instance_it_connected_and_mark_connected_instances() {
    Principal both = new Principal("main", new CredentialHandle.Grant("g1", List.of("api"), List.of("main", "other")),
        "main:42", true);
    InstanceTools.Outcome o = tools.switchTo(new JsonObject().put("instance", "other"), "main", both, moved::add);
    assertFalse(o.changed());
    String text = o.result().getJsonArray("content").getJsonObject(0).getString("text");
    assertTrue(text.contains("connect the client to /mcp/other with the same token"), text);
    String listed = tools.list("main", new Principal("main", new CredentialHandle.Grant("g1", List.of("api"),
        List.of("main")), "main:42", true)).getJsonArray("content").getJsonObject(0).getString("text");
    assertTrue(listed.contains("\"name\":\"main\"") && listed.contains("\"connected\":true")
        && listed.contains("\"connected\":false"), listed);
  }
}
