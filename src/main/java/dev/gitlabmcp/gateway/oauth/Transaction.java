package dev.gitlabmcp.gateway.oauth;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * An approved authorization on its way through GitLab: stored (under a keyed hash of the GitLab
 * {@code state}) only once the user approved, taken exactly once by the callback.
 *
 * @param instance the instance this leg signs in to ({@code request.instances().get(step)})
 * @param gitlabVerifier the gateway's own PKCE verifier towards GitLab
 * @param connected instances already signed in to in earlier legs, sealed (empty for the first leg)
 * @param remember whether the user asked to remember the approval
 * @param rememberedSubject set when the consent page was skipped for this remembered user
 */
record Transaction(AuthorizationRequest request, int step, String instance, String gitlabVerifier, String connected,
                   boolean remember, String rememberedSubject) {

  Transaction {
    Objects.requireNonNull(request, "request");
    connected = connected == null ? "" : connected;
    rememberedSubject = rememberedSubject == null ? "" : rememberedSubject;
  }

  JsonObject toJson() {
    return new JsonObject().put("request", request.toJson()).put("step", step).put("instance", instance)
        .put("verifier", gitlabVerifier).put("connected", connected).put("remember", remember)
        .put("rememberedSubject", rememberedSubject);
  }

  static Transaction fromJson(JsonObject o) {
    return new Transaction(AuthorizationRequest.fromJson(o.getJsonObject("request")), o.getInteger("step"),
        o.getString("instance"), o.getString("verifier"), o.getString("connected"), o.getBoolean("remember", false),
        o.getString("rememberedSubject"));
  }
}
