package dev.gitlabmcp.gateway.tier;

import java.util.Objects;

/**
 * What the detector knows about a namespace's plan.
 *
 * @param tier free, premium, ultimate, or unknown
 * @param rawPlan GitLab's own plan name (e.g. "gold", "ultimate_trial", a license's "premium"), or null
 * @param namespace the top-level namespace the plan belongs to (e.g. acme), or null when it could not be resolved
 * @param source how it was learned: graphql_plan, graphql_features, rest_plan, license, or why it is unknown
 *     (not_visible, timeout, failed, no_namespace, undetermined)
 */
public record TierAnswer(Tier tier, String rawPlan, String namespace, String source) {

  public TierAnswer {
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(source, "source");
  }

  public static TierAnswer unknown(String namespace, String why) {
    return new TierAnswer(Tier.UNKNOWN, null, namespace, why);
  }

  public boolean known() {
    return tier != Tier.UNKNOWN;
  }
}
