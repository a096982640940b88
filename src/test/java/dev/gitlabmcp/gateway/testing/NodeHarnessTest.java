package dev.gitlabmcp.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeHarnessTest {

  @Test
  void should_run_a_script_on_node_22_with_the_sdk_and_playwright_resolvable() {
    NodeHarness.Result r = NodeHarness.run("smoke.mjs", List.of(), Map.of(), 120);
    assertTrue(r.ok(), r.toString());
    assertTrue(r.stdout().contains("\"node\":\"22."), r.toString());
    assertTrue(r.stdout().contains("\"client\":\"function\""), r.toString());
  }
}
