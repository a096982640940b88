package dev.gitlabmcp.gateway.tier;

import java.util.Locale;

/** GitLab's subscription tiers, lowest first, and UNKNOWN when the gateway could not tell. */
public enum Tier {
  FREE("Free"), PREMIUM("Premium"), ULTIMATE("Ultimate"), UNKNOWN("unknown");

  private final String display;

  Tier(String display) {
    this.display = display;
  }

  /** How GitLab's pricing page writes it: Free, Premium, Ultimate. */
  public String display() {
    return display;
  }

  /** The catalog's tier (free, premium, ultimate; null means free). */
  public static Tier ofCatalog(String catalogTier) {
    if (catalogTier == null) {
      return FREE;
    }
    return switch (catalogTier) {
      case "premium" -> PREMIUM;
      case "ultimate" -> ULTIMATE;
      default -> FREE;
    };
  }

  /**
   * The tier a GitLab plan name stands for: a namespace plan on GitLab.com (GET /namespaces/:id
   * {@code plan}, GraphQL {@code Namespace.plan.name}) or a self-managed license plan (GET /license
   * {@code plan}). Retired names map to the tier their customers moved to (bronze and starter to
   * Premium, gold to Ultimate); open-source program namespaces get Ultimate. Anything else is UNKNOWN.
   */
  public static Tier fromPlan(String planName) {
    if (planName == null) {
      return UNKNOWN;
    }
    return switch (planName.trim().toLowerCase(Locale.ROOT)) {
      case "gold", "gold_trial", "ultimate", "ultimate_trial", "ultimate_trial_paid_customer", "opensource" -> ULTIMATE;
      case "silver", "bronze", "premium", "premium_trial", "starter" -> PREMIUM;
      case "free", "default" -> FREE;
      default -> UNKNOWN;
    };
  }

  /** Whether a namespace on this tier has what {@code needed} offers; UNKNOWN is never known to suffice. */
  public boolean covers(Tier needed) {
    return this != UNKNOWN && needed != UNKNOWN && ordinal() >= needed.ordinal();
  }
}
