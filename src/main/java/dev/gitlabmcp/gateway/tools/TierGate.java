package dev.gitlabmcp.gateway.tools;

import dev.gitlabmcp.gateway.core.Addresses;
import dev.gitlabmcp.gateway.auth.CredentialSource;
import dev.gitlabmcp.gateway.auth.Principal;
import dev.gitlabmcp.gateway.gitlab.GitLabReply;
import dev.gitlabmcp.gateway.tier.Tier;
import dev.gitlabmcp.gateway.tier.TierAnswer;
import dev.gitlabmcp.gateway.tier.TierQuery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Decides, before a Premium or Ultimate tool runs, whether the namespace it works on has that tier,
 * and explains GitLab's 403/404 when it could not tell. Free tools pass without a lookup. When the
 * tier detector is not deployed or does not answer, every tool goes ahead as if the plan were unknown.
 */
final class TierGate {

  /** The detector answers within its own timeout (1.5 s by default); this only guards against its absence. */
  static final long LOOKUP_TIMEOUT_MS = 5_000;
  /** Tool arguments that name the namespace a tool works on, in the order they are looked at. */
  private static final String[][] NAMESPACE_ARGS = {
      {"project_id", "PROJECT"}, {"group_id", "GROUP"}, {"namespace_id", "NAMESPACE"}, {"namespace", "NAMESPACE"}};

  private final Vertx vertx;
  private final CredentialSource credentials;
  private final DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(LOOKUP_TIMEOUT_MS);

  TierGate(Vertx vertx, CredentialSource credentials) {
    this.vertx = vertx;
    this.credentials = credentials;
  }

  /**
   * What the gate found for one call.
   *
   * @param needed the tier the tool needs
   * @param answer what the detector said (UNKNOWN when it was not asked or could not tell)
   * @param target how the namespace is named to the model ("group acme", "project acme/app"), or null
   */
  record Check(Tier needed, TierAnswer answer, String target) {

    static final Check FREE = new Check(Tier.FREE, TierAnswer.unknown(null, "free_tool"), null);

    /** The namespace is known to be below the tool's tier: the call must not reach GitLab. */
    boolean refuses() {
      return needed != Tier.FREE && answer.known() && !answer.tier().covers(needed);
    }

    /** A 403/404 from GitLab might mean the tier is missing: say so, with GitLab's own message. */
    boolean explains(GitLabReply reply) {
      return needed != Tier.FREE && !answer.known() && reply.failure() == null
          && (reply.status() == 403 || reply.status() == 404);
    }
  }

  Future<Check> check(ToolDefinition tool, JsonObject args, Principal principal) {
    Tier needed = Tier.ofCatalog(tool.tier());
    if (needed == Tier.FREE) {
      return Future.succeededFuture(Check.FREE);
    }
    for (String[] arg : NAMESPACE_ARGS) {
      Object v = args.getValue(arg[0]);
      if (v instanceof String || v instanceof Number) {
        String ref = String.valueOf(v).strip();
        if (!ref.isEmpty()) {
          TierQuery.Kind kind = TierQuery.Kind.valueOf(arg[1]);
          String target = (kind == TierQuery.Kind.NAMESPACE ? "namespace"
              : kind.name().toLowerCase(java.util.Locale.ROOT)) + " " + ref;
          return credentials.resolve(principal)
              .compose(c -> lookup(new TierQuery(principal.instance(), principal.subject(), c, kind, ref)))
              .map(a -> new Check(needed, a, target));
        }
      }
    }
    return Future.succeededFuture(new Check(needed, TierAnswer.unknown(null, "no_namespace"), null));
  }

  private Future<TierAnswer> lookup(TierQuery query) {
    Future<TierAnswer> answer;
    try {
      answer = vertx.eventBus().<TierAnswer>request(Addresses.TIER_LOOKUP, query, delivery).map(Message::body);
    } catch (IllegalArgumentException e) {
      answer = Future.failedFuture(e); // no codec: the detector was never set up in this Vert.x
    }
    return answer.otherwise(TierAnswer.unknown(null, "no_detector"));
  }

  /** "List epics needs GitLab Premium or higher; group acme is on Free (GitLab plan: free). ..." */
  static String refusal(ToolDefinition tool, Check c) {
    TierAnswer a = c.answer();
    return what(tool) + " needs " + needs(c.needed()) + "; " + where(c) + " is on " + a.tier().display()
        + (a.rawPlan() == null ? "" : " (GitLab plan: " + a.rawPlan() + ")")
        + ". The gateway did not send the request: GitLab would refuse it. Use a namespace on "
        + needs(c.needed()) + ", or tools that work on " + a.tier().display() + ".";
  }

  /** "List epics may need GitLab Premium or higher; GitLab answered 403 Forbidden: ... ." */
  static String explanation(ToolDefinition tool, Check c, GitLabReply reply) {
    String said = GitLabErrors.message(reply);
    String status = reply.status() == 403 ? "403 Forbidden" : "404 Not Found";
    return what(tool) + " may need " + needs(c.needed()) + (c.target() == null ? ""
        : ", and the gateway could not learn the plan of " + c.target()) + "; GitLab answered " + status
        + (said == null ? "" : ": " + said) + ". If the namespace is on a lower tier, this tool cannot work there; "
        + "otherwise check the path or id and the token's access.";
  }

  private static String what(ToolDefinition tool) {
    return tool.title() == null || tool.title().isBlank() ? tool.name() : tool.title() + " (" + tool.name() + ")";
  }

  private static String needs(Tier t) {
    return t == Tier.ULTIMATE ? "GitLab Ultimate" : "GitLab " + t.display() + " or higher";
  }

  /** "group acme", or for a deeper path or an id: "project acme/app (namespace acme)". */
  private static String where(Check c) {
    String top = c.answer().namespace();
    if (c.target() == null) {
      return top == null ? "the namespace" : "namespace " + top;
    }
    boolean same = top == null || c.target().endsWith(" " + top);
    return same ? c.target() : c.target() + " (top-level namespace " + top + ")";
  }
}
