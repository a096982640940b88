package dev.gitlabmcp.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BodyDeadlinesTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - 5 * SECOND); // nanoTime may wrap: deadlines still order
  private final Set<String> answered = new HashSet<>();
  private final List<String> timedOut = new ArrayList<>();
  private final BodyDeadlines<String> bodies =
      new BodyDeadlines<>(30 * SECOND, now::get, answered::contains, timedOut::add);

  @Test
  void should_time_out_only_the_requests_still_waiting_past_their_deadline() {
    BodyDeadlines.Entry<String> a = bodies.arrive("a");
    now.addAndGet(SECOND);
    bodies.arrive("b");
    BodyDeadlines.Entry<String> c = bodies.arrive("c");
    now.addAndGet(SECOND);
    bodies.arrive("d");
    bodies.done(c); // c's body arrived
    bodies.done(c); // and its request ended: nothing more to do

    now.addAndGet(28 * SECOND);
    bodies.sweep();
    assertEquals(List.of("a"), timedOut, "a's 30 s are up, b's and d's are not");

    answered.add("b"); // b was answered another way (an early 413) before its deadline
    now.addAndGet(SECOND);
    bodies.sweep();
    assertEquals(List.of("a"), timedOut, "b was answered already, c is done");
    assertEquals(1, bodies.size(), "d still waits");

    now.addAndGet(SECOND);
    bodies.sweep();
    assertEquals(List.of("a", "d"), timedOut);
    assertEquals(0, bodies.size());
    bodies.done(a); // the timed-out request ends later: no effect
    assertEquals(0, bodies.size());
  }

  @Test
  void should_leave_the_list_empty_when_every_body_arrives() {
    for (int i = 0; i < 10_000; i++) {
      bodies.done(bodies.arrive("r" + i));
    }
    now.addAndGet(60 * SECOND);
    bodies.sweep();
    assertEquals(List.of(), timedOut);
    assertEquals(0, bodies.size());
  }

  @Test
  void should_unlink_from_the_middle_and_the_ends() {
    BodyDeadlines.Entry<String> first = bodies.arrive("first");
    BodyDeadlines.Entry<String> middle = bodies.arrive("middle");
    BodyDeadlines.Entry<String> last = bodies.arrive("last");
    bodies.done(middle);
    bodies.done(last);
    BodyDeadlines.Entry<String> again = bodies.arrive("again");
    bodies.done(first);
    assertEquals(1, bodies.size());
    now.addAndGet(31 * SECOND);
    bodies.sweep();
    assertEquals(List.of("again"), timedOut);
    assertEquals(250, new BodyDeadlines<String>(SECOND, now::get, s -> false, s -> { }).sweepMillis());
    assertEquals(10, new BodyDeadlines<String>(SECOND / 100, now::get, s -> false, s -> { }).sweepMillis());
    bodies.done(again);
  }
}
