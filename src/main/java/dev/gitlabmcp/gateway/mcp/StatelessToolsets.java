package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.http.HttpProblem;
import dev.gitlabmcp.gateway.tools.DiscoverTools;
import dev.gitlabmcp.gateway.tools.ToolAvailability;
import dev.gitlabmcp.gateway.tools.ToolCatalog;
import dev.gitlabmcp.gateway.tools.ToolDefinition;
import dev.gitlabmcp.gateway.tools.ToolPolicy;
import dev.gitlabmcp.gateway.tools.ToolResults;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Toolsets without a session (2026-07-28). A 2025 session enables toolsets with discover_tools and keeps
 * them; a stateless request has nothing to keep them in, so:
 * <ul>
 *   <li>what tools/list shows is chosen per request: the gateway's default tools plus the toolsets the
 *       MCP URL names ({@code /mcp?toolsets=ci,wiki}, or {@code all}), so the default list stays small;</li>
 *   <li>tools/call runs any tool the policy allows (permission mode, denied tools, project allowlist,
 *       edition, version, tier), listed or not: enabling a toolset only ever changed the list;</li>
 *   <li>discover_tools with {@code enable} answers with the definitions of the tools it would have added,
 *       so the model can call them right away, and says how to have them listed.</li>
 * </ul>
 */
final class StatelessToolsets {

  static final String QUERY = "toolsets";
  private static final int MAX_NAMES = 64;

  private final ToolCatalog catalog;
  private final ToolAvailability availability;

  StatelessToolsets(McpServer server) {
    this.catalog = server.executor().catalog();
    this.availability = server.executor().availability();
  }

  /** Every toolset of the catalog: what a tools/call may reach in this era (the policy still decides). */
  Set<String> all() {
    return catalog.toolsets().keySet();
  }

  /**
   * The toolsets the request's URL names on top of the defaults; 400 with -32602 (echoing the id) for a name
   * the catalog does not know, so a typo in a client's configuration shows at once.
   */
  Set<String> selected(RoutingContext ctx, Object id) {
    Set<String> out = new LinkedHashSet<>();
    for (String value : ctx.queryParam(QUERY)) {
      for (String part : value.split(",", MAX_NAMES + 1)) {
        String name = part.trim();
        if (name.equals(ToolPolicy.ALL)) {
          out.addAll(all());
        } else if (!name.isEmpty() && !catalog.toolsets().containsKey(name)) {
          throw HttpProblem.rpc(400, JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "Invalid params: the MCP URL's '"
              + QUERY + "' names unknown toolset '" + HttpText.clip(name) + "'; known: all, "
              + String.join(", ", catalog.toolsets().keySet())));
        } else if (!name.isEmpty()) {
          out.add(name);
        }
      }
    }
    return Set.copyOf(out);
  }

  /**
   * discover_tools {"enable": [...]} without a session: the definitions of the tools those toolsets add to
   * what this request lists, callable now by name; null when the arguments are not a plain enable request
   * (then discover_tools answers as usual, e.g. with its argument errors), or discover_tools is denied.
   */
  JsonObject enable(JsonObject args, Set<String> selected, String instance) {
    Object enable = args == null ? null : args.getValue("enable");
    if (!availability.builtInAllowed(DiscoverTools.NAME)) {
      return null;
    }
    List<String> wanted = new ArrayList<>();
    if (enable instanceof String s) {
      for (String part : s.split(",", MAX_NAMES + 1)) {
        if (!part.isBlank()) {
          wanted.add(part.trim());
        }
      }
    } else if (enable instanceof JsonArray a && a.stream().allMatch(String.class::isInstance)) {
      a.forEach(o -> wanted.add(((String) o).trim()));
    } else {
      return null;
    }
    if (args.size() != 1 || wanted.isEmpty() || !catalog.toolsets().keySet().containsAll(wanted)) {
      return null;
    }
    Set<String> with = new LinkedHashSet<>(selected);
    with.addAll(wanted);
    JsonArray tools = new JsonArray();
    for (ToolDefinition t : catalog.all()) {
      if (wanted.contains(t.toolset()) && availability.listed(t, instance, with)
          && !availability.listed(t, instance, selected)) {
        JsonObject d = t.descriptor();
        tools.add(new JsonObject().put("name", d.getValue("name")).put("description", d.getValue("description"))
            .put("inputSchema", d.getValue("inputSchema")));
      }
    }
    String query = "?" + QUERY + "=" + String.join(",", with);
    return ToolResults.text(new JsonObject().put("tools", tools).encode() + "\n" + tools.size() + " tool(s) of "
        + String.join(", ", wanted) + " above. Protocol " + ProtocolVersions.V2026_07_28 + " keeps no session, so "
        + "nothing is enabled: call these tools by name right away (every tool this gateway's policy allows can be "
        + "called). To have them in tools/list, add " + query + " to this server's MCP URL. (" + DiscoverTools.NAME
        + " without 'enable' lists the toolsets.)");
  }
}
