package dev.gitlabmcp.gateway.tools;

import dev.gitlabmcp.gateway.core.SafeYaml;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Renders docs/tools.md from the catalog, so the page can never drift from what the gateway offers. */
public final class ToolDocs {

  /** Tool names of other GitLab MCP servers that the gateway does not offer, with the reason. */
  public static final String OTHER_SERVERS = "tools/_other_servers.yaml";
  /** The heading of the table that lists them in docs/tools.md. */
  public static final String OTHER_SERVERS_HEADING = "## Names from other servers";

  /** The names of another server that the gateway does not offer: name -> why, and what to use instead. */
  public record OtherServer(String server, int serverTools, Map<String, String> notOffered) {
  }

  private ToolDocs() {
  }

  /** Reads {@link #OTHER_SERVERS} from the classpath. */
  public static OtherServer otherServer() {
    try (InputStream in = ToolDocs.class.getClassLoader().getResourceAsStream(OTHER_SERVERS)) {
      if (in == null) {
        throw new IllegalStateException(OTHER_SERVERS + " is not on the classpath");
      }
      Map<?, ?> doc = (Map<?, ?>) SafeYaml.load(in, true);
      Map<String, String> names = new LinkedHashMap<>();
      ((Map<?, ?>) doc.get("names")).forEach((k, v) -> names.put(String.valueOf(k), String.valueOf(v)));
      return new OtherServer(String.valueOf(doc.get("server")), ((Number) doc.get("serverTools")).intValue(),
          Map.copyOf(names));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The tools/list JSON a session gets under {@code policy}, as bytes (discover_tools included). */
  public static int listBytes(ToolCatalog catalog, ToolPolicy policy) {
    JsonArray tools = new JsonArray();
    for (ToolDefinition t : catalog.all()) {
      if (policy.visible(t, Set.of())) {
        tools.add(t.descriptor());
      }
    }
    tools.add(DiscoverTools.DESCRIPTOR);
    return new JsonObject().put("tools", tools).encode().getBytes(StandardCharsets.UTF_8).length;
  }

  /** The compact mode's default tools/list: the three meta-tools and discover_tools. */
  static int compactBytes() {
    JsonArray tools = new JsonArray();
    CompactTools.descriptors().forEach(tools::add);
    tools.add(DiscoverTools.DESCRIPTOR);
    return new JsonObject().put("tools", tools).encode().getBytes(StandardCharsets.UTF_8).length;
  }

  public static String render(ToolCatalog catalog) {
    ToolPolicy core = new ToolPolicy(ToolPolicy.Mode.FULL, null, Set.of(), Set.of(), List.of());
    long coreCount = catalog.all().stream().filter(t -> t.traits().core()).count();
    StringBuilder md = new StringBuilder();
    md.append("# Tools\n\n")
        .append("<!-- Generated from src/main/resources/tools/*.yaml by `java -jar target/gitlab-mcp-gateway.jar tools docs"
            + " > docs/tools.md`. Do not edit: a test fails when this page is stale. -->\n\n")
        .append("The gateway offers **").append(catalog.all().size()).append(" tools** in ")
        .append(catalog.toolsets().size()).append(" toolsets, plus `discover_tools`. A session starts with the **")
        .append(coreCount).append(" core tools** (marked ★ below; `tools/list` is ")
        .append(kb(listBytes(catalog, core))).append(") and can grow:\n\n")
        .append("- `GITLAB_TOOLSETS=pipelines,wiki` adds whole toolsets for every session; `GITLAB_TOOLSETS=all` adds ")
        .append("every one (`tools/list` is ").append(kb(listBytes(catalog, ToolPolicy.permissive()))).append(").\n")
        .append("- `GITLAB_TOOLS=list_tags,get_tag` adds single tools.\n")
        .append("- The legacy `USE_PIPELINE`, `USE_MILESTONE` and `USE_GITLAB_WIKI` switches add the pipelines, ")
        .append("milestones and wiki toolsets.\n")
        .append("- The model can call `discover_tools` to see the toolsets and enable one for its own session; the ")
        .append("client is then sent `notifications/tools/list_changed`.\n\n")
        .append("What may run is decided when a tool is called, not only when tools are listed:\n\n")
        .append("- `GITLAB_PERMISSION_MODE=readonly` (or `GITLAB_READ_ONLY_MODE=true`): only tools marked *read*; ")
        .append("`modify`: no tool marked *destructive*, and no call whose arguments delete or move something ")
        .append("(`push_files` with a `delete` or `move` action); `full` (default): everything.\n")
        .append("- `GITLAB_DENIED_TOOLS_REGEX`: tools whose name matches never run.\n")
        .append("- `GITLAB_ALLOWED_PROJECT_IDS`: every `project_id` (and `*_project_id`) argument must be one of these ")
        .append("ids or paths, exactly as listed; tools that are not about one project run only when marked ")
        .append("*no project*.\n")
        .append("- `execute_graphql` (toolset `graphql`) sends the caller's GraphQL document, so each call is judged by ")
        .append("what it holds: a document with a mutation or subscription, or one the gateway cannot read, is a write ")
        .append("(refused in `readonly`); a mutation selecting a field named like delete, destroy, remove, purge, erase ")
        .append("or revoke is destructive (refused in `modify`); with `GITLAB_ALLOWED_PROJECT_IDS` set it never runs, ")
        .append("since a document can name any project. It is never retried.\n\n")
        .append("**Tool list modes** (`GITLAB_TOOL_LIST_MODE`). Clients with a small context can list three ")
        .append("meta-tools instead of every tool: `find_tools` searches the catalog by words, `describe_tool` gives a ")
        .append("tool's argument schema, `call_tool` runs a tool by name with the same checks, tiers and results as ")
        .append("a direct call. The default list of each mode (tokens estimated at 4 bytes each):\n\n")
        .append("| Mode | Tools listed | `tools/list` | About |\n|---|---:|---:|---:|\n")
        .append("| `full` (default) | ").append(coreCount + 1).append(" | ").append(kb(listBytes(catalog, core)))
        .append(" | ").append(listBytes(catalog, core) / 4).append(" tokens |\n")
        .append("| `compact` | 4 | ").append(kb(compactBytes())).append(" | ").append(compactBytes() / 4)
        .append(" tokens |\n\n")
        .append("A refused call is answered with an error that says why, and GitLab never receives it. Tiers: ")
        .append("*Premium* and *Ultimate* tools need that GitLab tier.\n\n")
        .append("| Toolset | Tools | What it covers |\n|---|---:|---|\n");
    for (ToolCatalog.Toolset ts : catalog.toolsets().values()) {
      md.append("| [").append(ts.name()).append("](#").append(ts.name().replace('_', '-')).append(") | ")
          .append(ts.tools().size()).append(" | ").append(cell(ts.description())).append(" |\n");
    }
    for (ToolCatalog.Toolset ts : catalog.toolsets().values()) {
      md.append("\n## ").append(ts.name()).append("\n\n").append(ts.description()).append("\n\n")
          .append("| Tool | What it does | Access | Arguments (* required) |\n|---|---|---|---|\n");
      for (String name : ts.tools()) {
        ToolDefinition t = catalog.get(name);
        md.append("| `").append(name).append('`').append(t.traits().core() ? " ★" : "").append(" | ")
            .append(cell(t.description())).append(" | ").append(access(t)).append(" | ").append(args(t)).append(" |\n");
      }
    }
    md.append("\n## discover_tools\n\n").append(DiscoverTools.DESCRIPTOR.getString("description"))
        .append(" Without arguments it lists the toolsets; `{\"enable\": [\"pipelines\"]}` adds one. It never adds a ")
        .append("tool the permission mode, denied list or project allowlist refuses.\n");
    otherServerNames(md, otherServer());
    return md.toString();
  }

  private static void otherServerNames(StringBuilder md, OtherServer other) {
    md.append('\n').append(OTHER_SERVERS_HEADING).append("\n\n")
        .append("Users of `").append(other.server()).append("` know its ").append(other.serverTools())
        .append(" tool names. The gateway offers each under the same name, with that server's argument names where ")
        .append("GitLab's API has the same thing, except these ").append(other.notOffered().size())
        .append(" (listed in `src/main/resources/")
        .append(OTHER_SERVERS).append("`; a test fails on a name that is neither offered nor listed):\n\n")
        .append("| Name | Why not, and what to use instead |\n|---|---|\n");
    other.notOffered().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> md.append("| `").append(e.getKey()).append("` | ").append(cell(e.getValue())).append(" |\n"));
  }

  private static String access(ToolDefinition t) {
    boolean raw = t.graphql() != null && t.graphql().raw();
    StringBuilder a = new StringBuilder(raw ? "read; a mutation is a write" : t.readOnly() ? "read"
        : t.destructive() ? "destructive" : "write");
    if (!"free".equals(t.tier())) {
      a.append(", ").append(t.tier().substring(0, 1).toUpperCase(Locale.ROOT)).append(t.tier().substring(1));
    }
    if (t.traits().minVersion() != null) {
      a.append(", GitLab ").append(t.traits().minVersion()).append('+');
    }
    if (t.traits().projectFree()) {
      a.append(", no project");
    }
    return a.toString();
  }

  private static String args(ToolDefinition t) {
    StringBuilder s = new StringBuilder();
    for (ParamSpec p : t.params()) {
      if (p.name().equals("page") || p.name().equals("per_page")) {
        continue;
      }
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append('`').append(p.name()).append('`').append(p.required() ? "*" : "");
    }
    if (t.response().kind() == ResponseSpec.Kind.LIST) {
      s.append(s.length() > 0 ? ", " : "").append("`page`, `per_page`");
    }
    return s.length() == 0 ? "—" : s.toString();
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ").strip();
  }

  private static String kb(int bytes) {
    return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
  }
}
