package dev.gitlabmcp.gateway.oauth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * A client's authorization request once validated: what the consent page shows and what the approval
 * turns into a transaction. Travels through the browser only sealed ({@link FlowCookies#seal}).
 *
 * @param instances the GitLab instances to sign in to, in order (the first is the grant's default)
 * @param binding MAC of the browser flow cookie this request was shown under (empty before the page)
 * @param issuedAt epoch millis; a page older than the flow cookie's lifetime is refused
 */
record AuthorizationRequest(String clientId, String redirectUri, String codeChallenge, String state, String resource,
                            List<String> scopes, List<String> instances, String flowCookie, String binding,
                            long issuedAt) {

  AuthorizationRequest {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(redirectUri, "redirectUri");
    scopes = List.copyOf(scopes);
    instances = List.copyOf(instances);
    flowCookie = flowCookie == null ? "" : flowCookie;
    binding = binding == null ? "" : binding;
  }

  AuthorizationRequest boundTo(String cookieName, String bindingMac) {
    return new AuthorizationRequest(clientId, redirectUri, codeChallenge, state, resource, scopes, instances,
        cookieName, bindingMac, issuedAt);
  }

  /** The same request for the instances the user chose (in order; the first is the grant's default). */
  AuthorizationRequest withInstances(List<String> chosen) {
    return new AuthorizationRequest(clientId, redirectUri, codeChallenge, state, resource, scopes, chosen,
        flowCookie, binding, issuedAt);
  }

  String scope() {
    return String.join(" ", scopes);
  }

  JsonObject toJson() {
    return new JsonObject().put("client", clientId).put("redirect", redirectUri).put("challenge", codeChallenge)
        .put("state", state).put("resource", resource).put("scopes", new JsonArray(scopes))
        .put("instances", new JsonArray(instances)).put("cookie", flowCookie).put("binding", binding)
        .put("at", issuedAt);
  }

  static AuthorizationRequest fromJson(JsonObject o) {
    return new AuthorizationRequest(o.getString("client"), o.getString("redirect"), o.getString("challenge"),
        o.getString("state"), o.getString("resource"), strings(o.getJsonArray("scopes")),
        strings(o.getJsonArray("instances")), o.getString("cookie"), o.getString("binding"), o.getLong("at"));
  }

  static List<String> strings(JsonArray a) {
    return a == null ? List.of() : a.stream().map(String::valueOf).toList();
  }
}
