package dev.gitlabmcp.gateway.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gitlabmcp.gateway.gitlab.GitLabReply.Failure;
import dev.gitlabmcp.gateway.gitlab.InstanceHealth.Outcome;
import dev.gitlabmcp.gateway.gitlab.InstanceHealth.Status;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** How recent outcomes turn into healthy, degraded or down. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class InstanceHealthTest {

  private final InstanceHealth health = new InstanceHealth();
  private long now = 1_000_000;

  private void record(Outcome o, int times) {
    for (int i = 0; i < times; i++) {
      health.record(o, o == Outcome.OK ? null : "boom " + o, now++);
    }
  }

  @Test
  void should_start_healthy_and_shrug_off_a_single_failure() {
    assertEquals(Status.HEALTHY, health.status());
    record(Outcome.OK, 5);
    record(Outcome.UNREACHABLE, 1);
    assertEquals(Status.HEALTHY, health.status());
    assertEquals("boom UNREACHABLE", health.lastError());
  }

  @Test
  void should_be_down_after_three_unreachable_in_a_row_and_degraded_after_one_success() {
    record(Outcome.OK, 2);
    record(Outcome.UNREACHABLE, 3);
    assertEquals(Status.DOWN, health.status());
    record(Outcome.OK, 1);
    assertEquals(Status.DEGRADED, health.status());
    record(Outcome.OK, 20);
    assertEquals(Status.HEALTHY, health.status());
  }

  @Test
  void should_be_degraded_but_never_down_on_server_errors() {
    record(Outcome.SERVER_ERROR, 10);
    assertEquals(Status.DEGRADED, health.status());
    assertEquals(0.5, health.status().gauge);
  }

  @Test
  void should_forget_outcomes_older_than_the_window_age() {
    record(Outcome.UNREACHABLE, 5);
    assertEquals(Status.DOWN, health.status());
    assertEquals(Status.HEALTHY, health.evaluate(now + InstanceHealth.MAX_AGE_MS + 1));
  }

  @Test
  void should_date_outcomes_by_its_clock() {
    long[] clock = {now};
    InstanceHealth timed = new InstanceHealth(() -> clock[0]);
    for (int i = 0; i < InstanceHealth.DOWN_AFTER; i++) {
      timed.record(Outcome.UNREACHABLE, "refused");
    }
    assertEquals(Status.DOWN, timed.evaluate());

    clock[0] += InstanceHealth.MAX_AGE_MS;
    assertEquals(Status.DOWN, timed.evaluate(), "not older than the window age yet");
    clock[0] += 1;

    assertEquals(Status.HEALTHY, timed.evaluate());
  }

  @Test
  void should_ignore_outcomes_that_say_nothing_about_GitLab() {
    assertNull(Outcome.of(GitLabReply.failed(Failure.CANCELLED, "x", 0, 0)));
    assertNull(Outcome.of(GitLabReply.failed(Failure.BUSY, "x", 0, 0)));
    assertNull(Outcome.of(GitLabReply.failed(Failure.UNKNOWN_INSTANCE, "x", 0, 0)));
    assertEquals(Outcome.UNREACHABLE, Outcome.of(GitLabReply.failed(Failure.TIMEOUT, "x", 1, 0)));
    assertEquals(Outcome.UNREACHABLE, Outcome.of(GitLabReply.failed(Failure.CONNECTION, "x", 1, 0)));
    assertEquals(Outcome.OK, Outcome.of(new GitLabReply(401, Map.of(), Buffer.buffer(), null, null, 1, 0)));
    assertEquals(Outcome.SERVER_ERROR, Outcome.of(new GitLabReply(503, Map.of(), Buffer.buffer(), null, null, 1, 0)));
  }
}
