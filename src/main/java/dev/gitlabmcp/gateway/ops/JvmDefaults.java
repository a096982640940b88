package dev.gitlabmcp.gateway.ops;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * What a plain {@code java -jar} can be given from inside: the JAR manifest cannot choose the
 * garbage collector or the heap, but a running JVM lets a program set its "manageable" flags. On
 * a machine with 2+ CPUs and 2+ GB the JVM picks G1 with a quarter of the memory as its heap, and
 * G1 keeps what the heap grew to under load even when the gateway is idle. With the operator's
 * flags untouched (their origin is DEFAULT), this asks G1 to collect after 30 s without a
 * collection and to give back memory beyond 30 % free, so an idle gateway shrinks towards what it
 * holds. Under load collections happen all the time, so the periodic one never runs. Any flag the
 * operator set (on the command line, JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS) wins; other collectors
 * (the image's Serial GC) are left alone. See docs/performance.md for the flags of large deployments.
 */
public final class JvmDefaults {

  static final String PERIODIC_GC_MILLIS = "30000";
  static final String MAX_HEAP_FREE_PERCENT = "30";
  static final String MIN_HEAP_FREE_PERCENT = "10";

  private JvmDefaults() {
  }

  /** Applies the defaults where they apply; returns "flag=value" of each one set (for the start log). */
  public static List<String> apply() {
    List<String> set = new ArrayList<>();
    try {
      HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (vm == null || !"true".equals(vm.getVMOption("UseG1GC").getValue())) {
        return set;
      }
      // Lower the minimum first: the JVM refuses a maximum below the current minimum.
      setIfDefault(vm, "MinHeapFreeRatio", MIN_HEAP_FREE_PERCENT, set);
      setIfDefault(vm, "MaxHeapFreeRatio", MAX_HEAP_FREE_PERCENT, set);
      setIfDefault(vm, "G1PeriodicGCInterval", PERIODIC_GC_MILLIS, set);
    } catch (RuntimeException | LinkageError e) {
      // Not HotSpot, or the flags are not there: nothing to tune, and nothing worth failing for.
    }
    return set;
  }

  private static void setIfDefault(HotSpotDiagnosticMXBean vm, String flag, String value, List<String> set) {
    VMOption option = vm.getVMOption(flag);
    if (option.isWriteable() && option.getOrigin() == VMOption.Origin.DEFAULT) {
      vm.setVMOption(flag, value);
      set.add(flag + "=" + value);
    }
  }
}
