package dev.gitlabmcp.gateway.tier;

import dev.gitlabmcp.gateway.gitlab.Credential;
import dev.gitlabmcp.gateway.gitlab.GitLabCall;
import dev.gitlabmcp.gateway.gitlab.GitLabReply;
import dev.gitlabmcp.gateway.gitlab.RegistryClient;
import dev.gitlabmcp.gateway.gitlab.InstanceIntrospector;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asks GitLab, as the caller, which plan a top-level namespace has. Every request goes over the
 * event bus to the instance registry, so it passes the instance's limiter like any tool call.
 *
 * <p>In order, stopping at the first usable answer:
 * <ol>
 *   <li>GraphQL {@code namespace(fullPath:) { plan { name } licensedFeatures { ... } }}: {@code plan}
 *       (GitLab 18.2+, namespace owners only, else null) names the plan on GitLab.com;
 *       {@code licensedFeatures} (18.1+, anyone who can read the namespace) tells what the namespace's
 *       plan or the instance's license unlocks, on GitLab.com and self-managed alike.</li>
 *   <li>When GraphQL does not know those fields (older GitLab): REST {@code GET /namespaces/:path},
 *       whose {@code plan} GitLab shows to namespace owners.</li>
 *   <li>When that says nothing or "default" (self-managed instances keep no plan per namespace):
 *       {@code GET /license}, readable by administrators only.</li>
 * </ol>
 * Never fails: what GitLab would not tell becomes an UNKNOWN answer that says why.
 */
final class TierClient {

  static final String QUERY = "query($fullPath: ID!) { namespace(fullPath: $fullPath) { fullPath plan { name } "
      + "licensedFeatures { hasEpicsFeature hasIterationsFeature hasIssueWeightsFeature hasScopedLabelsFeature "
      + "hasSubepicsFeature hasOkrsFeature hasQualityManagementFeature hasIssuableHealthStatusFeature } } }";
  /** Features GitLab offers from Premium up, and from Ultimate up (GraphQL NamespaceLicensedFeatures). */
  private static final String[] PREMIUM_FEATURES = {"hasEpicsFeature", "hasIterationsFeature",
      "hasIssueWeightsFeature", "hasScopedLabelsFeature"};
  private static final String[] ULTIMATE_FEATURES = {"hasSubepicsFeature", "hasOkrsFeature",
      "hasQualityManagementFeature", "hasIssuableHealthStatusFeature"};

  private final Vertx vertx;
  private final RegistryClient registry;
  private final AtomicLong callIds = new AtomicLong();

  TierClient(Vertx vertx, long callTimeoutMs) {
    this.vertx = vertx;
    this.registry = new RegistryClient(vertx, callTimeoutMs);
  }

  /** The top-level namespace of a numeric project, group or namespace id; null when GitLab would not say. */
  Future<String> topLevelOf(TierQuery q) {
    String path = switch (q.kind()) {
      case PROJECT -> "/projects/" + q.ref();
      case GROUP, NAMESPACE -> "/namespaces/" + q.ref(); // a group's id is its namespace id
    };
    String field = q.kind() == TierQuery.Kind.PROJECT ? "path_with_namespace" : "full_path";
    return get(q.instance(), path, q.credential()).map(reply -> {
      JsonObject body = reply.ok() ? json(reply.body()) : null;
      String full = body == null ? null : body.getValue(field) instanceof String s ? s : null;
      return full == null ? null : TierQuery.topLevelOf(full);
    });
  }

  Future<TierAnswer> detect(String instance, Credential credential, String top) {
    JsonObject body = new JsonObject().put("query", QUERY).put("variables", new JsonObject().put("fullPath", top));
    GitLabCall call = new GitLabCall(callId(), instance, HttpMethod.POST, InstanceIntrospector.GRAPHQL_PATH,
        body.toBuffer(), credential, true); // a query changes nothing: safe to send twice
    return send(call).compose(reply -> afterGraphql(instance, credential, top, reply));
  }

  private Future<TierAnswer> afterGraphql(String instance, Credential credential, String top, GitLabReply reply) {
    if (reply.failure() != null) {
      return Future.succeededFuture(TierAnswer.unknown(top, "failed"));
    }
    JsonObject body = reply.ok() ? json(reply.body()) : null;
    JsonObject data = body == null ? null : body.getValue("data") instanceof JsonObject d ? d : null;
    if (data != null && data.containsKey("namespace")) {
      JsonObject ns = data.getValue("namespace") instanceof JsonObject n ? n : null;
      if (ns == null) {
        return Future.succeededFuture(TierAnswer.unknown(top, "not_visible")); // absent, or hidden from this caller
      }
      TierAnswer answer = fromGraphql(top, ns);
      if (answer != null) {
        return Future.succeededFuture(answer);
      }
    }
    // GraphQL could not answer (older GitLab: the fields do not exist yet): ask REST.
    return get(instance, "/namespaces/" + URLEncoder.encode(top, StandardCharsets.UTF_8), credential)
        .compose(ns -> afterRestNamespace(instance, credential, top, ns));
  }

  /** The answer in GraphQL's namespace object, or null when it holds neither a plan nor features. */
  static TierAnswer fromGraphql(String top, JsonObject ns) {
    JsonObject plan = ns.getValue("plan") instanceof JsonObject p ? p : null;
    String planName = plan == null ? null : plan.getValue("name") instanceof String s ? s : null;
    Tier byPlan = Tier.fromPlan(planName);
    if (byPlan != Tier.UNKNOWN && !"default".equalsIgnoreCase(planName)) {
      return new TierAnswer(byPlan, planName, top, "graphql_plan");
    }
    JsonObject features = ns.getValue("licensedFeatures") instanceof JsonObject f ? f : null;
    if (features == null) {
      return null;
    }
    Tier byFeatures = any(features, ULTIMATE_FEATURES) ? Tier.ULTIMATE
        : any(features, PREMIUM_FEATURES) ? Tier.PREMIUM : Tier.FREE;
    return new TierAnswer(byFeatures, planName, top, "graphql_features");
  }

  private static boolean any(JsonObject features, String[] names) {
    for (String n : names) {
      if (Boolean.TRUE.equals(features.getValue(n))) {
        return true;
      }
    }
    return false;
  }

  private Future<TierAnswer> afterRestNamespace(String instance, Credential credential, String top, GitLabReply reply) {
    if (reply.failure() != null) {
      return Future.succeededFuture(TierAnswer.unknown(top, "failed"));
    }
    if (reply.status() == 404) {
      return Future.succeededFuture(TierAnswer.unknown(top, "not_visible"));
    }
    JsonObject body = reply.ok() ? json(reply.body()) : null;
    String planName = body == null ? null : body.getValue("plan") instanceof String s ? s : null;
    Tier byPlan = Tier.fromPlan(planName);
    if (byPlan != Tier.UNKNOWN && !"default".equalsIgnoreCase(planName)) {
      return Future.succeededFuture(new TierAnswer(byPlan, planName, top, "rest_plan"));
    }
    // No plan shown (not an owner) or "default" (self-managed): the instance's license decides, if readable.
    return get(instance, "/license", credential).map(license -> {
      JsonObject l = license.ok() ? json(license.body()) : null;
      String licensePlan = l == null ? null : l.getValue("plan") instanceof String s ? s : null;
      Tier byLicense = Tier.fromPlan(licensePlan);
      return byLicense != Tier.UNKNOWN && !"default".equalsIgnoreCase(licensePlan)
          ? new TierAnswer(byLicense, licensePlan, top, "license")
          : new TierAnswer(Tier.UNKNOWN, planName, top, "undetermined");
    });
  }

  private Future<GitLabReply> get(String instance, String path, Credential credential) {
    return send(new GitLabCall(callId(), instance, HttpMethod.GET, path, null, credential, true));
  }

  /** One request through the registry; a timeout or missing registry becomes a failed reply, and a slow call is cancelled. */
  private Future<GitLabReply> send(GitLabCall call) {
    return registry.send(call);
  }


  private String callId() {
    return "tier-" + callIds.incrementAndGet();
  }

  private static JsonObject json(Buffer body) {
    try {
      return Json.decodeValue(body) instanceof JsonObject o ? o : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
