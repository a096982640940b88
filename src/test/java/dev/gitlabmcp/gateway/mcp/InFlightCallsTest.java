package dev.gitlabmcp.gateway.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.core.Addresses;
import dev.gitlabmcp.gateway.gitlab.RegistryClient;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Disconnects cancel only calls that are safe to repeat; an explicit cancel stops any call. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class InFlightCallsTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<Object> resets = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    vertx.close();
  }

  private InFlightCalls calls() throws Exception {
    vertx.eventBus().localConsumer(Addresses.GITLAB_CANCEL, m -> resets.add(m.body()))
        .completion().toCompletionStage().toCompletableFuture().get();
    return new InFlightCalls(new RegistryClient(vertx, 1000));
  }

  private void awaitResets(int n) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (resets.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Test
  void should_let_a_disconnect_stop_a_read_but_not_a_write() throws Exception {
    InFlightCalls calls = calls();
    calls.started("s:1", true);
    calls.started("s:2", false);
    assertTrue(calls.cancel("s:1", true), "a read is safe to stop when its client is gone");
    assertFalse(calls.cancel("s:2", true), "a write runs to its end: stopping it would leave its outcome unknown");
    assertTrue(calls.finished("s:1"));
    assertFalse(calls.finished("s:2"), "the write's answer is not turned into 'cancelled'");
    awaitResets(1);
    assertEquals(List.of("s:1"), resets);
  }

  @Test
  void should_stop_a_write_when_the_client_cancels_it_explicitly() throws Exception {
    InFlightCalls calls = calls();
    calls.started("s:3", false);
    assertTrue(calls.cancel("s:3", false));
    assertTrue(calls.finished("s:3"));
    awaitResets(1);
    assertEquals(List.of("s:3"), resets);
  }

  @Test
  void should_ignore_cancels_of_calls_not_running_here() throws Exception {
    InFlightCalls calls = calls();
    assertFalse(calls.cancel("elsewhere:1", false));
    assertFalse(calls.cancel(null, false));
    assertEquals(0, calls.size());
  }
}
