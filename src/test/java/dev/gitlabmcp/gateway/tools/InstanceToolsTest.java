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
    InstanceTools.Outcome o = tools.switchTo(new JsonObject().put("instance", "other"), "main", signedIn, false,
        moved::add);
    assertFalse(o.changed());
    assertTrue(moved.isEmpty());
    assertEquals(Boolean.TRUE, o.result().getBoolean("isError"));
    String text = o.result().getJsonArray("content").getJsonObject(0).getString("text");
    assertTrue(text.contains("This sign-in did not connect other (other GitLab); it connected main. Sign in again "
        + "through /mcp/other to connect it (the instances already connected stay connected)."), text);
  }

  @Test
  void should_move_a_sign_in_among_the_instances_it_connected_unless_its_url_names_the_instance() {
    Principal both = new Principal("main", new CredentialHandle.Grant("g1", List.of("api"), List.of("main", "other")),
        "main:42", true);
    InstanceTools.Outcome pinned = tools.switchTo(new JsonObject().put("instance", "other"), "main", both, true,
        moved::add);
    assertFalse(pinned.changed());
    assertTrue(moved.isEmpty());
    String text = pinned.result().getJsonArray("content").getJsonObject(0).getString("text");
    assertTrue(text.contains("opened at /mcp/main") && text.contains("connect the client to /mcp/other with the same "
        + "token"), text);

    InstanceTools.Outcome o = tools.switchTo(new JsonObject().put("instance", "other"), "main", both, false,
        moved::add);
    assertTrue(o.changed());
    assertEquals(List.of("other"), moved);
    assertTrue(o.result().getJsonArray("content").getJsonObject(0).getString("text")
        .startsWith("This session now works with other (other GitLab, https://other.example)"), o.result()::encode);
    InstanceTools.Outcome same = tools.switchTo(new JsonObject().put("instance", "other"), "other", both, false,
        moved::add);
    assertFalse(same.changed());
    assertEquals(List.of("other"), moved);
  }

  @Test
  void should_never_move_a_session_that_uses_a_callers_own_token() {
    Principal caller = new Principal("main", new CredentialHandle.Caller(dev.gitlabmcp.gateway.gitlab.Credential
        .privateToken(new Secret("glpat-xxxxxxxxxxxxxxxxxxxx"))), "main:7", true);
    InstanceTools.Outcome o = tools.switchTo(new JsonObject().put("instance", "other"), "main", caller, false,
        moved::add);
    assertFalse(o.changed());
    assertTrue(moved.isEmpty());
  }

  @Test
  void should_mark_the_instances_a_sign_in_connected() {
    String listed = tools.list("main", new Principal("main", new CredentialHandle.Grant("g1", List.of("api"),
        List.of("main")), "main:42", true)).getJsonArray("content").getJsonObject(0).getString("text");
    assertTrue(listed.contains("\"name\":\"main\"") && listed.contains("\"connected\":true")
        && listed.contains("\"connected\":false"), listed);
  }
}
