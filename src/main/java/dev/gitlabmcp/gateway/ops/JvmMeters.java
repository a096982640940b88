package dev.gitlabmcp.gateway.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.LoggerFactory;

/**
 * The JVM and process meters (memory, GC, threads, CPU, uptime), bound on a thread of their own: the platform
 * MXBeans behind them cost a few hundred classes that the start-up need not wait for. A scrape waits until
 * they are bound ({@link #bound()}), so every scrape shows the same series.
 */
final class JvmMeters {

  private final CompletableFuture<JvmGcMetrics> gc = new CompletableFuture<>();

  private JvmMeters() {
  }

  /** Starts binding the meters into {@code registry}. */
  static JvmMeters bindInBackground(MeterRegistry registry) {
    JvmMeters meters = new JvmMeters();
    Thread binder = new Thread(() -> meters.bind(registry), "jvm-meters");
    binder.setDaemon(true);
    binder.start();
    return meters;
  }

  private void bind(MeterRegistry registry) {
    try {
      new JvmMemoryMetrics().bindTo(registry);
      JvmGcMetrics gcMetrics = new JvmGcMetrics();
      gcMetrics.bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      gc.complete(gcMetrics);
    } catch (RuntimeException | LinkageError e) {
      // Not worth failing the gateway for: its own series are still served.
      LoggerFactory.getLogger(JvmMeters.class).warn("jvm_meters_failed error={}", e.toString());
      gc.complete(null);
    }
  }

  /** Completes once the meters are in the registry (or binding them failed, which is logged). */
  CompletionStage<?> bound() {
    return gc;
  }

  /** Waits until {@link #bound()}: at once after the first few hundred milliseconds of the process. */
  void await() {
    gc.join();
  }

  /** Stops the GC listener. */
  void close() {
    JvmGcMetrics gcMetrics = gc.join();
    if (gcMetrics != null) {
      gcMetrics.close();
    }
  }
}
