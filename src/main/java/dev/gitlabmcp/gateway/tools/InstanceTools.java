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
 * The gateway's own tools for several GitLab instances: list them, and (server-side-token mode
 * only) move the session to another one. A session authorized with a caller's own token never
 * switches: that token belongs to one instance and must never be sent to another.
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

  public JsonObject list(String current) {
    return list(current, null);
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
    String hint = connected != null ? "\nThis sign-in connected " + String.join(", ", connected) + "; work with one "
        + "at /mcp/<name>. To connect another, sign in again through /mcp/<name>." : callerTokens ? "\nThis session's token belongs to its instance: to work with another one, connect "
        + "to /mcp/<name> with a token for that instance." : "\nUse " + SWITCH + " to move this session.";
    return ToolResults.text(new JsonObject().put("instances", out).encode() + hint);
  }

  /**
   * @param moveTo binds the session to the named instance when the switch is allowed
   */
  public Outcome switchTo(JsonObject args, String current, Consumer<String> moveTo) {
    return switchTo(args, current, null, moveTo);
  }

  /**
   * @param caller who asks; a sign-in with GitLab (OAuth grant) never switches: its GitLab tokens belong to
   *     the instances chosen at sign-in
   * @param moveTo binds the session to the named instance when the switch is allowed
   */
  public Outcome switchTo(JsonObject args, String current, Principal caller, Consumer<String> moveTo) {
    boolean signedIn = caller != null && caller.credential() instanceof CredentialHandle.Grant;
    Object wanted = args == null ? null : args.getValue("instance");
    if (!(wanted instanceof String name) || name.isBlank() || args.size() != 1) {
      return new Outcome(ToolResults.error("Invalid arguments for " + SWITCH + ": give exactly {\"instance\": \"<name>\"}."),
          false);
    }
    GitLabConfig target = directory.get(name.trim());
    if (target == null) {
      return new Outcome(ToolResults.error("No GitLab instance '" + clip(name) + "' here. Configured: "
          + String.join(", ", directory.all().stream().map(GitLabConfig::name).toList()) + "."), false);
    }
    if (signedIn && !target.name().equals(current)) {
      List<String> connected = ((CredentialHandle.Grant) caller.credential()).connected();
      return new Outcome(ToolResults.error(connected.contains(target.name())
          ? "This sign-in connected " + target.name() + " (" + target.label() + "); a session stays on its instance, "
              + "so connect the client to /mcp/" + target.name() + " with the same token to work with it."
          : "This sign-in did not connect " + target.name() + " (" + target.label() + "); it connected "
              + (connected.isEmpty() ? current : String.join(", ", connected)) + ". Sign in again through /mcp/" + target.name() + " to connect it."),
          false);
    }
    if (callerTokens && !signedIn) {
      return new Outcome(ToolResults.error("This session is authorized with a token of GitLab instance '" + current
          + "', which is never sent to another instance. Reconnect to /mcp/" + target.name() + " with a token for "
          + target.label() + "."), false);
    }
    if (target.name().equals(current)) {
      return new Outcome(ToolResults.text("This session already works with " + target.name() + " (" + target.label()
          + ")."), false);
    }
    moveTo.accept(target.name());
    return new Outcome(ToolResults.text("This session now works with " + target.name() + " (" + target.label() + ", "
        + target.baseUrl() + "). Its tool list may have changed."), true);
  }

  private static String clip(String s) {
    String t = s.replaceAll("[^A-Za-z0-9._-]", "?");
    return t.length() > 64 ? t.substring(0, 64) + "..." : t;
  }
}
