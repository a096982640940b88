package dev.gitlabmcp.gateway.tools;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The gateway's own tool that lets the model see every toolset and enable one for its session, so
 * the default tool list can stay small. Enabling never bypasses the permission mode, the denied
 * list or the project allowlist: it only adds tools those already allow.
 */
public final class DiscoverTools {

  public static final String NAME = "discover_tools";

  public static final JsonObject DESCRIPTOR = new JsonObject()
      .put("name", NAME)
      .put("title", "Discover tools")
      .put("description", "Lists the toolsets this gateway offers beyond the default tools; enable one to add its "
          + "tools to this session.")
      .put("inputSchema", new JsonObject().put("type", "object")
          .put("properties", new JsonObject().put("enable", new JsonObject().put("type", "array")
              .put("items", new JsonObject().put("type", "string"))
              .put("description", "Toolset names to enable for this session.")))
          .put("additionalProperties", false))
      .put("annotations", new JsonObject().put("readOnlyHint", true).put("destructiveHint", false)
          .put("idempotentHint", true).put("openWorldHint", false));

  /** What a call did: its result, and whether the session's tool list changed. */
  public record Outcome(JsonObject result, boolean changed) {
  }

  private final ToolCatalog catalog;
  private final ToolPolicy policy;

  public DiscoverTools(ToolCatalog catalog, ToolPolicy policy) {
    this.catalog = catalog;
    this.policy = policy;
  }

  /**
   * @param session the session's enabled toolsets; enabling adds to it
   */
  public Outcome call(JsonObject args, Set<String> session) {
    JsonObject a = args == null ? new JsonObject() : args;
    for (String key : a.fieldNames()) {
      if (!key.equals("enable")) {
        return new Outcome(ToolResults.error("Invalid arguments for " + NAME + ": '" + key + "' is not an argument. "
            + "Allowed arguments: enable."), false);
      }
    }
    List<String> wanted = new ArrayList<>();
    Object enable = a.getValue("enable");
    if (enable instanceof String s) {
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          wanted.add(part.trim());
        }
      }
    } else if (enable instanceof JsonArray arr) {
      for (Object o : arr) {
        if (!(o instanceof String s)) {
          return new Outcome(ToolResults.error("Invalid arguments for " + NAME + ": 'enable' must list toolset "
              + "names as strings."), false);
        }
        wanted.add(s.trim());
      }
    } else if (enable != null) {
      return new Outcome(ToolResults.error("Invalid arguments for " + NAME + ": 'enable' must be an array of "
          + "toolset names."), false);
    }
    List<String> unknown = wanted.stream().filter(w -> !catalog.toolsets().containsKey(w)).toList();
    if (!unknown.isEmpty()) {
      return new Outcome(ToolResults.error("Unknown toolset(s): " + String.join(", ", unknown) + ". Known: "
          + String.join(", ", catalog.toolsets().keySet()) + "."), false);
    }
    List<String> added = new ArrayList<>();
    for (String w : wanted) {
      List<String> before = visibleNames(w, session);
      session.add(w);
      for (String name : visibleNames(w, session)) {
        if (!before.contains(name)) {
          added.add(name);
        }
      }
    }
    JsonArray sets = new JsonArray();
    for (ToolCatalog.Toolset ts : catalog.toolsets().values()) {
      int offered = visibleNames(ts.name(), session).size();
      int allowed = (int) ts.tools().stream().map(catalog::get)
          .filter(t -> policy.forbidden(t.name(), t.readOnly(), t.destructive()) == null && policy.usableUnderAllowlist(t))
          .count();
      if (allowed == 0) {
        continue; // nothing in it could ever run here: not worth the model's attention
      }
      sets.add(new JsonObject().put("toolset", ts.name()).put("description", ts.description())
          .put("tools", allowed).put("enabled", offered == allowed));
    }
    JsonObject out = new JsonObject().put("toolsets", sets);
    if (!wanted.isEmpty()) {
      out.put("enabled_now", new JsonArray(added));
    }
    String note = wanted.isEmpty() ? "\nCall " + NAME + " with {\"enable\": [\"<toolset>\"]} to add a toolset's tools."
        : "\nThe tool list of this session changed: " + added.size() + " tool(s) added.";
    return new Outcome(ToolResults.text(out.encode() + note), !added.isEmpty());
  }

  private List<String> visibleNames(String toolset, Set<String> session) {
    ToolCatalog.Toolset ts = catalog.toolsets().get(toolset);
    List<String> names = new ArrayList<>();
    for (String n : ts.tools()) {
      if (policy.visible(catalog.get(n), session)) {
        names.add(n);
      }
    }
    return names;
  }
}
