package dev.gitlabmcp.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The flags a plain java -jar gets from inside: set on G1 when the operator left them alone, never
 * over a flag someone set (here: set by the first call, so the second one leaves it), never on other
 * collectors. The surefire JVM runs with the JVM's own choice of collector, so either branch may run.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class JvmDefaultsTest {

  private final HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

  @Test
  void sets_the_idle_heap_flags_on_g1_once_and_leaves_other_collectors_and_set_flags_alone() {
    boolean g1 = "true".equals(vm.getVMOption("UseG1GC").getValue());
    boolean untouched = vm.getVMOption("G1PeriodicGCInterval").getOrigin()
        == com.sun.management.VMOption.Origin.DEFAULT;
    List<String> first = JvmDefaults.apply();
    if (g1 && untouched) {
      assertTrue(first.contains("G1PeriodicGCInterval=" + JvmDefaults.PERIODIC_GC_MILLIS), first.toString());
      assertEquals(JvmDefaults.PERIODIC_GC_MILLIS, vm.getVMOption("G1PeriodicGCInterval").getValue());
      assertEquals(JvmDefaults.MAX_HEAP_FREE_PERCENT, vm.getVMOption("MaxHeapFreeRatio").getValue());
    } else if (!g1) {
      assertEquals(List.of(), first);
    }
    assertEquals(List.of(), JvmDefaults.apply(), "a flag set once (by anyone) is not set again");
  }
}
