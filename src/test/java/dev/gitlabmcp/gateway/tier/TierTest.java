package dev.gitlabmcp.gateway.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GitLab's plan names, current and retired, and what each one unlocks. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TierTest {

  @ParameterizedTest(name = "should map plan {0} to {1}")
  @CsvSource({
      "gold, ULTIMATE",
      "gold_trial, ULTIMATE",
      "ultimate, ULTIMATE",
      "ultimate_trial, ULTIMATE",
      "ultimate_trial_paid_customer, ULTIMATE",
      "opensource, ULTIMATE",
      "silver, PREMIUM",
      "bronze, PREMIUM",
      "premium, PREMIUM",
      "premium_trial, PREMIUM",
      "starter, PREMIUM",
      "free, FREE",
      "default, FREE",
      "Ultimate, ULTIMATE",
      "' premium ', PREMIUM",
      "early_adopter, UNKNOWN",
      "enterprise, UNKNOWN",
      "'', UNKNOWN"})
  void should_map_each_plan_name_to_its_tier(String plan, Tier tier) {
    assertEquals(tier, Tier.fromPlan(plan));
  }

  @Test
  void should_map_a_missing_plan_to_unknown() {
    assertEquals(Tier.UNKNOWN, Tier.fromPlan(null));
  }

  @Test
  void should_know_which_tier_covers_which() {
    assertTrue(Tier.ULTIMATE.covers(Tier.PREMIUM));
    assertTrue(Tier.PREMIUM.covers(Tier.PREMIUM));
    assertFalse(Tier.PREMIUM.covers(Tier.ULTIMATE));
    assertFalse(Tier.FREE.covers(Tier.PREMIUM));
    assertFalse(Tier.UNKNOWN.covers(Tier.FREE), "an unknown plan is never known to suffice");
  }

  @Test
  void should_read_the_catalog_tier_with_free_as_the_default() {
    assertEquals(Tier.FREE, Tier.ofCatalog(null));
    assertEquals(Tier.PREMIUM, Tier.ofCatalog("premium"));
    assertEquals(Tier.ULTIMATE, Tier.ofCatalog("ultimate"));
  }

  @Test
  void should_take_the_top_level_segment_of_a_path() {
    assertEquals("acme", TierQuery.topLevelOf("acme/team/app"));
    assertEquals("acme", TierQuery.topLevelOf("acme%2Fapp"));
    assertEquals("acme", TierQuery.topLevelOf("acme"));
  }
}
