package dev.gitlabmcp.gateway.tools;

import dev.gitlabmcp.gateway.auth.ActingClient;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.gitlab.GitLabReply;
import dev.gitlabmcp.gateway.http.HttpProblem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one tool call: policy, argument validation, request building, the GitLab call over the
 * event bus, and response shaping. Every failure becomes an isError result the model can act on.
 */
public final class ToolExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(ToolExecutor.class);
  public static final String FULL_RESPONSE = "full_response";
  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");

  private final ToolCatalog catalog;
  private final ToolAvailability availability;
  private final ToolPolicy policy;
  private final ResponseShaper shaper;
  private final ActingClient gitlab;
  private final TierGate tiers;
  private final ProjectDefault projectDefault;

  public ToolExecutor(Vertx vertx, ToolCatalog catalog, ToolAvailability availability, ResponseShaper shaper,
                      ActingClient gitlab) {
    this(vertx, catalog, availability, shaper, gitlab, ProjectDefault.NONE);
  }

  public ToolExecutor(Vertx vertx, ToolCatalog catalog, ToolAvailability availability, ResponseShaper shaper,
                      ActingClient gitlab, ProjectDefault projectDefault) {
    this.projectDefault = projectDefault;
    this.catalog = catalog;
    this.availability = availability;
    this.policy = availability.policy();
    this.shaper = shaper;
    this.gitlab = gitlab;
    this.tiers = new TierGate(vertx, gitlab.credentials());
  }

  public ToolCatalog catalog() {
    return catalog;
  }

  public ToolPolicy policy() {
    return policy;
  }

  public ToolAvailability availability() {
    return availability;
  }

  /**
   * A finished call: the MCP result plus what the gateway logs and reports about it.
   *
   * @param reason why the call did not simply run: the gateway refused it ({@link #REFUSALS}: policy,
   *     availability, arguments, tier, limit), or GitLab gave no answer (timeout, connection, too_large,
   *     cancelled, unknown_instance); null otherwise (a GitLab error is its {@code gitlabStatus})
   */
  public record Outcome(JsonObject result, int gitlabStatus, long gitlabMs, String reason) {

    /** The gateway's refusals: permission mode, toolsets or allowlists; edition or version; arguments; plan; load. */
    public static final Set<String> REFUSALS = Set.of("policy", "availability", "arguments", "tier", "limit");

    public Outcome(JsonObject result, int gitlabStatus, long gitlabMs) {
      this(result, gitlabStatus, gitlabMs, null);
    }

    /** Whether the gateway refused the call (no GitLab request, or its own limiter turned it away). */
    public boolean refused() {
      return reason != null && REFUSALS.contains(reason);
    }
  }

  /**
   * @param callId unique id of this call (used to cancel it), or null
   * @return an Outcome; never a failed future for anything a client or GitLab did
   */
  public Future<Outcome> call(ToolDefinition tool, JsonObject arguments, Principal principal, String callId) {
    return call(tool, arguments, principal, callId, Set.of());
  }

  /**
   * @param sessionToolsets toolsets the session enabled with discover_tools
   */
  public Future<Outcome> call(ToolDefinition tool, JsonObject arguments, Principal principal, String callId,
                              Set<String> sessionToolsets) {
    // Per call: the raw GraphQL tool is a write when its document holds a mutation.
    String forbidden = policy.forbidden(tool.name(), tool.readOnly(arguments), tool.destructive(arguments));
    if (forbidden != null) {
      return refused("policy", forbidden);
    }
    String unservable = availability.unservable(tool, principal.instance());
    if (unservable != null) {
      return refused("availability", unservable);
    }
    JsonObject args = arguments == null ? new JsonObject() : arguments.copy();
    boolean full = Boolean.TRUE.equals(args.remove(FULL_RESPONSE)) && !tool.response().fields().isEmpty();
    coerce(tool, args);
    projectDefault.fill(tool, args);
    String invalid = validate(tool, args, arguments);
    if (invalid != null) {
      return refused("arguments", invalid);
    }
    String denial = policy.denial(tool, args, sessionToolsets);
    if (denial != null) {
      return refused("policy", denial);
    }
    RequestBuilder.Built built = RequestBuilder.build(tool, args);
    if (built.problem() != null) {
      return refused("arguments", "Invalid arguments for " + tool.name() + ": " + built.problem() + ".");
    }
    // Premium/Ultimate tools: a namespace known to be below the tier is answered here, without GitLab.
    return tiers.check(tool, args, principal)
        .compose(tier -> tier.refuses() ? refused("tier", TierGate.refusal(tool, tier))
            : run(tool, built, principal, callId, full, args, tier))
        .recover(err -> err instanceof HttpProblem ? Future.failedFuture(err) : unexpected(err));
  }

  /**
   * A read-only OAuth grant calling a tool that writes: the failed future of a 403 {@code insufficient_scope}
   * (the client may ask the user for more), or null when the call may go on. A tool the operator's policy
   * forbids anyway is left to its usual refusal: more scope would not help.
   */
  public Future<JsonObject> scopeRefusal(ToolDefinition tool, JsonObject arguments, Principal principal) {
    if (tool.readOnly(arguments) || policy.forbidden(tool.name(), false, tool.destructive(arguments)) != null) {
      return null;
    }
    HttpProblem p = gitlab.credentials().refusesWrite(principal, tool.name());
    return p == null ? null : Future.failedFuture(p);
  }

  private Future<Outcome> run(ToolDefinition tool, RequestBuilder.Built built, Principal principal, String callId,
                              boolean full, JsonObject args, TierGate.Check tier) {
    return send(tool, tool.method(), built, principal, callId)
        .compose(reply -> fallbackNeeded(tool, reply) ? send(tool, tool.fallback().method(), built, principal, callId)
            : Future.succeededFuture(reply))
        .map(reply -> new Outcome(result(tool, GraphQlReplies.unwrap(tool, reply), tier, full, args), reply.status(),
            reply.elapsedMs(), reason(reply)));
  }

  private JsonObject result(ToolDefinition tool, GraphQlReplies.Unwrapped g, TierGate.Check tier, boolean full,
                            JsonObject args) {
    if (g.error() != null) {
      return ToolResults.error(g.error());
    }
    return tier.explains(g.reply()) ? ToolResults.error(TierGate.explanation(tool, tier, g.reply()))
        : shaper.shape(tool, g.reply(), full, args);
  }

  private static Future<Outcome> refused(String reason, String message) {
    return Future.succeededFuture(new Outcome(ToolResults.error(message), 0, 0, reason));
  }

  /** The instance limiter's refusal is the gateway's ("limit"); other failures are GitLab not answering. */
  private static String reason(GitLabReply reply) {
    if (reply.failure() == null) {
      return null;
    }
    return reply.failure() == GitLabReply.Failure.BUSY ? "limit"
        : reply.failure().name().toLowerCase(java.util.Locale.ROOT);
  }

  private Future<GitLabReply> send(ToolDefinition tool, HttpMethod method, RequestBuilder.Built built,
                                   Principal principal, String callId) {
    boolean idempotent = method == tool.method() ? tool.idempotent() : method != HttpMethod.POST;
    return gitlab.send(principal, callId, method, built.pathAndQuery(), built.body(), idempotent);
  }

  /** Create-or-update: the first method was refused in the way the catalog names, so the other one applies. */
  private static boolean fallbackNeeded(ToolDefinition tool, GitLabReply reply) {
    ToolDefinition.Fallback f = tool.fallback();
    return f != null && reply.failure() == null && reply.status() == f.status()
        && reply.body().toString(java.nio.charset.StandardCharsets.UTF_8).contains(f.contains());
  }

  private Future<Outcome> unexpected(Throwable err) {
    // A bug of ours, not the client's or GitLab's: log it for operators, tell the model plainly.
    LOG.error("tool_shaping_failed error={}", err.getClass().getName(), err);
    return Future.succeededFuture(new Outcome(ToolResults.error(
        "The gateway failed to process GitLab's answer (an internal error, logged for the operator)."), 0, 0));
  }

  /** Models often send 42 for "42" and "42" for 42; accept both where the meaning is plain. */
  static void coerce(ToolDefinition tool, JsonObject args) {
    for (Map.Entry<String, Object> e : args) {
      ParamSpec p = tool.param(e.getKey());
      if (p == null || e.getValue() == null) {
        continue;
      }
      Object v = e.getValue();
      String type = p.type();
      if ("string".equals(type) && (v instanceof Integer || v instanceof Long)) {
        e.setValue(String.valueOf(v));
      } else if ("integer".equals(type) && v instanceof String s && INTEGER.matcher(s.trim()).matches()) {
        e.setValue(Long.parseLong(s.trim()));
      } else if ("boolean".equals(type) && v instanceof String s
          && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
        e.setValue(Boolean.parseBoolean(s));
      } else if ("array".equals(type) && v instanceof String s && !s.isBlank()) {
        JsonArray a = new JsonArray();
        for (String part : s.split(",")) {
          a.add(part.trim());
        }
        e.setValue(a);
      }
    }
  }

  private static String validate(ToolDefinition tool, JsonObject args, JsonObject original) {
    OutputUnit out;
    try {
      out = tool.validator().validate(args);
    } catch (RuntimeException e) {
      return "Invalid arguments for " + tool.name() + ": they could not be checked against the schema.";
    }
    if (Boolean.TRUE.equals(out.getValid())) {
      return null;
    }
    List<String> reasons = new ArrayList<>();
    collect(out, reasons, tool);
    if (reasons.isEmpty()) {
      reasons.add("they do not match the input schema");
    }
    List<String> required = new ArrayList<>();
    for (ParamSpec p : tool.params()) {
      if (p.required()) {
        required.add(p.name());
      }
    }
    return "Invalid arguments for " + tool.name() + ": " + String.join("; ", reasons.stream().distinct().limit(5).toList())
        + ". " + (required.isEmpty() ? "" : "Required: " + String.join(", ", required) + ". ")
        + "Allowed arguments: " + String.join(", ", tool.inputSchema().getJsonObject("properties").fieldNames()) + ".";
  }

  private static void collect(OutputUnit u, List<String> reasons, ToolDefinition tool) {
    if (u.getErrors() != null && !u.getErrors().isEmpty()) {
      for (OutputUnit e : u.getErrors()) {
        collect(e, reasons, tool);
      }
      return;
    }
    String error = u.getError();
    if (error == null) {
      return;
    }
    String loc = u.getInstanceLocation() == null ? "" : u.getInstanceLocation().replaceFirst("^#?/?", "");
    String top = loc.contains("/") ? loc.substring(0, loc.indexOf('/')) : loc;
    boolean known = tool.inputSchema().getJsonObject("properties").containsKey(top);
    if (error.contains("additional properties")) {
      if (!known && !top.isEmpty()) {
        reasons.add("'" + top + "' is not an argument of " + tool.name());
      }
      return;
    }
    if (error.startsWith("Property ") && error.endsWith("does not match schema")) {
      return; // a wrapper around the precise error reported next to it
    }
    reasons.add((loc.isEmpty() ? "" : "'" + loc + "': ") + error);
  }
}
