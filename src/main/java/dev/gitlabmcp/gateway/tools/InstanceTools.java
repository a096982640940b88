package dev.gitlabmcp.gateway.tools;

import dev.gitlabmcp.gateway.auth.CredentialHandle;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;

/**
 * The gateway's own tools for several GitLab instances: list them, and move the session to another one
 * (server-side token: any; sign-in with GitLab: those the sign-in connected, each with its own token). A
 * session authorized with a caller's own token never switches: that token belongs to one instance and
 * must never be sent to another.
 */
public final class InstanceTools {

  public static final String LIST = "list_instances";
  public static final String SWITCH = "switch_instance";

  public static final JsonObject LIST_DESCRIPTOR = new JsonObject()
      .put("name", LIST)
      .put("title", "List GitLab instances")
      .put("description", "The GitLab instances this gateway serves, and which one this session works with.")
      .put("inputSchema", new JsonObject().put("type", "object").put("properties", new JsonObject())
          .put("additionalProperties", false))
      .put("annotations", new JsonObject().put("readOnlyHint", true).put("openWorldHint", false));

  public static final JsonObject SWITCH_DESCRIPTOR = new JsonObject()
      .put("name", SWITCH)
      .put("title", "Switch GitLab instance")
      .put("description", "Move this session to another GitLab instance by name; later tool calls go there.")
      .put("inputSchema", new JsonObject().put("type", "object")
          .put("properties", new JsonObject().put("instance", new JsonObject().put("type", "string")
              .put("description", "Instance name from list_instances.")))
          .put("required", new JsonArray().add("instance")).put("additionalProperties", false))
      .put("annotations", new JsonObject().put("readOnlyHint", false).put("destructiveHint", false)
          .put("idempotentHint", true).put("openWorldHint", false));

  /** What a switch did: the result, and whether the session moved. */
  public record Outcome(JsonObject result, boolean changed) {
  }

  private final InstanceDirectory directory;
  private final boolean callerTokens;

  /**
   * @param callerTokens whether callers bring their own GitLab tokens (remote authorization, OAuth)
   */
  public InstanceTools(InstanceDirectory directory, boolean callerTokens) {
    this.directory = directory;
    this.callerTokens = callerTokens;
  }

  /** Offered only where there is a choice. */
  public boolean offered() {
    return directory.all().size() > 1;
  }

  /** The instances; for a sign-in with GitLab, each marked with whether this user connected it. */
  public JsonObject list(String current, Principal caller) {
    List<String> connected = caller != null && caller.credential() instanceof CredentialHandle.Grant g
        ? g.connected() : null;
    JsonArray out = new JsonArray();
    for (GitLabConfig c : directory.all()) {
      JsonObject o = new JsonObject().put("name", c.name()).put("label", c.label()).put("url", c.baseUrl().toString())
          .put("default", c.isDefault()).put("current", c.name().equals(current));
      if (connected != null) {
        o.put("connected", connected.contains(c.name()));
      }
      InstanceDirectory.Info info = directory.info(c.name());
      if (info.version() != null) {
        o.put("version", info.version());
      }
      if (info.enterprise() != null) {
        o.put("edition", info.enterprise() ? "enterprise" : "community");
      }
      out.add(o);
    }
    String hint = connected != null ? "\nThis sign-in connected " + String.join(", ", connected) + ": use "
        + SWITCH + " to move this session among them (or work with one at /mcp/<name>). To connect another, sign in "
        + "again through /mcp/<name>." : callerTokens ? "\nThis session's token belongs to its instance: to work with "
        + "another one, connect to /mcp/<name> with a token for that instance." : "\nUse " + SWITCH
        + " to move this session.";
    return ToolResults.text(new JsonObject().put("instances", out).encode() + hint);
  }

  /**
   * Moves a session: a server-token session to any configured instance; a sign-in with GitLab (OAuth grant)
   * among the instances it connected, each with its own GitLab token; a caller's own token never. A session
   * whose URL names its instance ({@code /mcp/<name>}) stays there: its client keeps sending to that URL.
   *
   * @param caller who asks, or null for the gateway's own identity
   * @param pinned the session's requests come to {@code /mcp/<current>}
   * @param moveTo binds the session to the named instance when the switch is allowed
   */
  public Outcome switchTo(JsonObject args, String current, Principal caller, boolean pinned, Consumer<String> moveTo) {
    List<String> connected = caller != null && caller.credential() instanceof CredentialHandle.Grant g
        ? g.connected() : null;
    Object wanted = args == null ? null : args.getValue("instance");
    if (!(wanted instanceof String name) || name.isBlank() || args.size() != 1) {
      return refused("Invalid arguments for " + SWITCH + ": give exactly {\"instance\": \"<name>\"}.");
    }
    GitLabConfig target = directory.get(name.trim());
    if (target == null) {
      return refused("No GitLab instance '" + clip(name) + "' here. Configured: "
          + String.join(", ", directory.all().stream().map(GitLabConfig::name).toList()) + ".");
    }
    String to = target.name() + " (" + target.label() + ")";
    if (target.name().equals(current)) {
      return new Outcome(ToolResults.text("This session already works with " + to + "."), false);
    }
    if (connected != null && !connected.contains(target.name())) {
      return refused("This sign-in did not connect " + to + "; it connected "
          + (connected.isEmpty() ? current : String.join(", ", connected)) + ". Sign in again through /mcp/"
          + target.name() + " to connect it (the instances already connected stay connected).");
    }
    if (connected == null && callerTokens) {
      return refused("This session is authorized with a token of GitLab instance '" + current + "', which is never "
          + "sent to another instance. Reconnect to /mcp/" + target.name() + " with a token for " + target.label() + ".");
    }
    if (pinned) {
      return refused("This session was opened at /mcp/" + current + ", whose address names its instance, so it stays "
          + "there. To work with " + to + ", connect the client to /mcp/" + target.name()
          + (connected != null ? " with the same token" : "") + "; a session opened at /mcp can switch.");
    }
    moveTo.accept(target.name());
    return new Outcome(ToolResults.text("This session now works with " + target.name() + " (" + target.label() + ", "
        + target.baseUrl() + "). Its tool list may have changed."), true);
  }

  private static Outcome refused(String message) {
    return new Outcome(ToolResults.error(message), false);
  }

  private static String clip(String s) {
    String t = s.replaceAll("[^A-Za-z0-9._-]", "?");
    return t.length() > 64 ? t.substring(0, 64) + "..." : t;
  }
}
