package dev.gitlabmcp.gateway.tools;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The compact tool mode (GITLAB_TOOL_LIST_MODE=compact): tools/list holds three meta-tools instead of
 * every tool: find a tool by words, describe one, call one by name. The catalog stays the same, and a
 * call through {@code call_tool} meets exactly the checks, tiers and results of a direct call.
 */
public final class CompactTools {

  public static final String FIND = "find_tools";
  public static final String DESCRIBE = "describe_tool";
  public static final String CALL = "call_tool";
  static final int DEFAULT_LIMIT = 10;
  static final int MAX_LIMIT = 50;

  private static final JsonObject READ_ONLY = new JsonObject().put("readOnlyHint", true)
      .put("destructiveHint", false).put("idempotentHint", true).put("openWorldHint", false);

  public static final JsonObject FIND_DESCRIPTOR = new JsonObject()
      .put("name", FIND).put("title", "Find GitLab tools")
      .put("description", "Searches this gateway's GitLab tools (projects, files, branches, commits, merge requests, "
          + "issues, work items, pipelines, jobs, wiki, releases, users, groups, search) by words; answers their names "
          + "and what they do. Then use describe_tool for a tool's arguments and call_tool to run it.")
      .put("inputSchema", new JsonObject().put("type", "object")
          .put("properties", new JsonObject()
              .put("query", new JsonObject().put("type", "string")
                  .put("description", "Words to look for, e.g. 'merge request comment' or 'pipeline job log'."))
              .put("limit", new JsonObject().put("type", "integer").put("minimum", 1).put("maximum", MAX_LIMIT)
                  .put("description", "Most tools to list (default " + DEFAULT_LIMIT + ").")))
          .put("required", new JsonArray().add("query")).put("additionalProperties", false))
      .put("annotations", READ_ONLY);

  public static final JsonObject DESCRIBE_DESCRIPTOR = new JsonObject()
      .put("name", DESCRIBE).put("title", "Describe a GitLab tool")
      .put("description", "The full description and the JSON Schema of a tool's arguments, by its name from "
          + "find_tools.")
      .put("inputSchema", new JsonObject().put("type", "object")
          .put("properties", new JsonObject().put("name", new JsonObject().put("type", "string")
              .put("description", "The tool's name.")))
          .put("required", new JsonArray().add("name")).put("additionalProperties", false))
      .put("annotations", READ_ONLY);

  public static final JsonObject CALL_DESCRIPTOR = new JsonObject()
      .put("name", CALL).put("title", "Call a GitLab tool")
      .put("description", "Runs a tool by name with its arguments (see describe_tool), exactly as if it had been "
          + "called directly.")
      .put("inputSchema", new JsonObject().put("type", "object")
          .put("properties", new JsonObject()
              .put("name", new JsonObject().put("type", "string").put("description", "The tool's name."))
              .put("arguments", new JsonObject().put("type", "object")
                  .put("description", "The tool's arguments, as its schema describes them.")))
          .put("required", new JsonArray().add("name")).put("additionalProperties", false))
      .put("annotations", new JsonObject().put("destructiveHint", true).put("openWorldHint", true));

  private CompactTools() {
  }

  public static boolean isMeta(String name) {
    return FIND.equals(name) || DESCRIBE.equals(name) || CALL.equals(name);
  }

  public static List<JsonObject> descriptors() {
    return List.of(FIND_DESCRIPTOR, DESCRIBE_DESCRIPTOR, CALL_DESCRIPTOR);
  }

  /** find_tools: the tools whose name, title or description hold the most query words, best first. */
  public static JsonObject find(JsonObject args, Collection<ToolDefinition> callable) {
    Object q = args == null ? null : args.getValue("query");
    if (!(q instanceof String query) || query.isBlank()) {
      return ToolResults.error("find_tools needs 'query': words describing what you want to do in GitLab.");
    }
    int limit = args.getValue("limit") instanceof Number n ? Math.max(1, Math.min(MAX_LIMIT, n.intValue()))
        : DEFAULT_LIMIT;
    String[] words = query.toLowerCase(Locale.ROOT).split("[^a-z0-9]+");
    List<Object[]> scored = new ArrayList<>();
    for (ToolDefinition t : callable) {
      int score = score(t, words);
      if (score > 0) {
        scored.add(new Object[] {t, score});
      }
    }
    scored.sort(Comparator.comparingInt((Object[] o) -> -(Integer) o[1])
        .thenComparing(o -> ((ToolDefinition) o[0]).name()));
    JsonArray tools = new JsonArray();
    for (Object[] o : scored.subList(0, Math.min(limit, scored.size()))) {
      ToolDefinition t = (ToolDefinition) o[0];
      tools.add(new JsonObject().put("name", t.name()).put("title", t.title())
          .put("description", firstSentence(t.description())).put("readOnly", t.readOnly()));
    }
    String text = tools.isEmpty() ? "No tool matches '" + query + "'. Try other words (e.g. issue, merge request, "
        + "pipeline, file, branch, wiki)." : tools.encodePrettily();
    return new JsonObject().put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", text)))
        .put("isError", false);
  }

  /** describe_tool: the tool's description, argument schema and hints, when this caller may call it. */
  public static JsonObject describe(JsonObject args, Collection<ToolDefinition> callable) {
    Object n = args == null ? null : args.getValue("name");
    if (!(n instanceof String name)) {
      return ToolResults.error("describe_tool needs 'name': a tool name from find_tools.");
    }
    for (ToolDefinition t : callable) {
      if (t.name().equals(name)) {
        JsonObject d = t.descriptor();
        JsonObject out = new JsonObject().put("name", t.name()).put("title", t.title())
            .put("description", t.description()).put("inputSchema", d.getJsonObject("inputSchema"))
            .put("annotations", d.getJsonObject("annotations")).put("tier", t.tier());
        return new JsonObject().put("content", new JsonArray().add(new JsonObject().put("type", "text")
            .put("text", out.encodePrettily()))).put("isError", false);
      }
    }
    return ToolResults.error("No tool named '" + name + "' is available here. Use find_tools to look for one.");
  }

  private static int score(ToolDefinition t, String[] words) {
    String name = t.name().replace('_', ' ');
    String text = (name + " " + (t.title() == null ? "" : t.title()) + " " + t.description()).toLowerCase(Locale.ROOT);
    int score = 0;
    for (String w : words) {
      if (w.length() < 2) {
        continue;
      }
      String stem = w.endsWith("s") && w.length() > 3 ? w.substring(0, w.length() - 1) : w;
      if (name.contains(stem)) {
        score += 3;
      } else if (text.contains(stem)) {
        score += 1;
      }
    }
    return score;
  }

  private static String firstSentence(String s) {
    if (s == null) {
      return "";
    }
    int dot = s.indexOf(". ");
    return dot > 0 && dot < 200 ? s.substring(0, dot + 1) : s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
