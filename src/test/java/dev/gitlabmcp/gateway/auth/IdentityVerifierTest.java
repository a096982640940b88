package dev.gitlabmcp.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.core.Addresses;
import dev.gitlabmcp.gateway.core.LocalCodec;
import dev.gitlabmcp.gateway.auth.IdentityVerifier.Outcome;
import dev.gitlabmcp.gateway.auth.IdentityVerifier.Verdict;
import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.gitlab.Credential;
import dev.gitlabmcp.gateway.gitlab.GitLabCall;
import dev.gitlabmcp.gateway.gitlab.GitLabReply;
import dev.gitlabmcp.gateway.testing.CallerVerticle;
import dev.gitlabmcp.gateway.testing.CallerVerticle.Continuation;
import dev.gitlabmcp.gateway.testing.ManualClock;
import dev.gitlabmcp.gateway.testing.Poll;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The token check as the HTTP layer uses it, against a stand-in registry that answers {@code GET /user}
 * like GitLab: how often GitLab is asked, what is remembered and for how long, and on which event loop
 * each caller continues.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class IdentityVerifierTest {

  private static final String GOOD = "glpat-verifier-good-0123456789";
  private static final String BUSY = "glpat-verifier-busy-0123456789";
  private static final Credential GOOD_TOKEN = Credential.privateToken(new Secret(GOOD));
  private static final int TTL_SECONDS = 300;

  private Vertx vertx;
  private final ManualClock clock = new ManualClock();
  /** How many times GitLab was asked about each token. */
  private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
  private final AtomicInteger askedInAll = new AtomicInteger();
  /** When set, GitLab holds its answers here until the test releases them. */
  private volatile ConcurrentLinkedQueue<Message<GitLabCall>> held;
  private IdentityVerifier verifier;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    LocalCodec.register(vertx, GitLabCall.class);
    LocalCodec.register(vertx, GitLabReply.class);
    vertx.eventBus().<GitLabCall>localConsumer(Addresses.GITLAB_CALL, this::gitlab).completion().await();
    verifier = new IdentityVerifier(vertx, "corp", TTL_SECONDS, 10_000, clock, key(1));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private void gitlab(Message<GitLabCall> msg) {
    String token = msg.body().credential().secret().reveal();
    asked.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
    askedInAll.incrementAndGet();
    ConcurrentLinkedQueue<Message<GitLabCall>> queue = held;
    if (queue != null) {
      queue.add(msg);
    } else {
      answer(msg);
    }
  }

  private static void answer(Message<GitLabCall> msg) {
    String token = msg.body().credential().secret().reveal();
    msg.reply(GOOD.equals(token) ? reply(200, "{\"id\":7,\"username\":\"alice\"}")
        : BUSY.equals(token) ? reply(503, "{\"message\":\"503 Service Unavailable\"}")
        : reply(401, "{\"message\":\"401 Unauthorized\"}"));
  }

  private static GitLabReply reply(int status, String body) {
    return new GitLabReply(status, Map.of(), Buffer.buffer(body), null, null, 1, 1);
  }

  private static byte[] key(int seed) {
    byte[] k = new byte[32];
    java.util.Arrays.fill(k, (byte) seed);
    return k;
  }

  private int asked(String token) {
    AtomicInteger n = asked.get(token);
    return n == null ? 0 : n.get();
  }

  private static Credential token(String value) {
    return Credential.privateToken(new Secret(value));
  }

  // ---- what is remembered

  @Test
  void should_keep_a_verified_token_cached_through_a_flood_of_200k_distinct_invalid_tokens() {
    assertEquals(Outcome.VALID, verifier.verify(GOOD_TOKEN).await().outcome());

    int flood = 200_000;
    Context loop = vertx.getOrCreateContext(); // as an HTTP verticle would, on an event loop
    for (int start = 0; start < flood; start += 2_000) {
      int from = start;
      Promise<List<Verdict>> batch = Promise.promise();
      loop.runOnContext(v -> floodBatch(from, from + 2_000).onComplete(batch));
      assertEquals(Outcome.INVALID, batch.future().await().get(0).outcome());
    }

    Verdict again = verifier.verify(GOOD_TOKEN).await();
    assertEquals(Outcome.VALID, again.outcome());
    assertEquals("alice", again.identity().username());
    assertEquals(1, asked(GOOD), "GitLab is asked about the valid token once only");
    assertEquals(flood + 1, askedInAll.get(), "every distinct invalid token was checked once");
    assertNotNull(verifier.cached("corp", GOOD_TOKEN));
    assertTrue(verifier.entries()[1] <= IdentityVerifier.MAX_INVALID, "refusals stay bounded: " + verifier.entries()[1]);
  }

  private Future<List<Verdict>> floodBatch(int from, int to) {
    List<Future<Verdict>> batch = new ArrayList<>();
    for (int i = from; i < to; i++) {
      batch.add(verifier.verify(token("glpat-flood-" + i + "-abcdefghij")));
    }
    return Future.all(batch).map(all -> all.list());
  }

  @Test
  void should_forget_a_refused_token_after_the_negative_ttl_and_ask_gitlab_again() {
    Credential bad = token("glpat-verifier-bad-0123456789");

    assertEquals(Outcome.INVALID, verifier.verify(bad).await().outcome());
    assertEquals(Outcome.INVALID, verifier.verify(bad).await().outcome());
    assertEquals(1, asked("glpat-verifier-bad-0123456789"), "the refusal is remembered");
    assertEquals(Outcome.INVALID, verifier.cached("corp", bad).outcome());

    clock.advance(Duration.ofMillis(IdentityVerifier.NEGATIVE_TTL_MS - 1));
    assertNotNull(verifier.cached("corp", bad), "still remembered just before the negative TTL");
    clock.advance(Duration.ofMillis(1));
    assertNull(verifier.cached("corp", bad), "a refusal lives at most the negative TTL");
    assertEquals(Outcome.INVALID, verifier.verify(bad).await().outcome());
    assertEquals(2, asked("glpat-verifier-bad-0123456789"));
  }

  @Test
  void should_trust_a_verified_token_for_the_configured_ttl_only() {
    verifier.verify(GOOD_TOKEN).await();

    clock.advance(Duration.ofSeconds(TTL_SECONDS).minusMillis(1));
    assertEquals(Outcome.VALID, verifier.verify(GOOD_TOKEN).await().outcome());
    assertEquals(1, asked(GOOD));
    clock.advance(Duration.ofMillis(1));
    assertNull(verifier.cached("corp", GOOD_TOKEN));
    assertEquals(Outcome.VALID, verifier.verify(GOOD_TOKEN).await().outcome());
    assertEquals(2, asked(GOOD));
  }

  @Test
  void should_answer_null_from_the_cache_for_an_unknown_token_without_asking_gitlab() {
    assertNull(verifier.cached("corp", GOOD_TOKEN));
    assertNull(verifier.cached("other", GOOD_TOKEN));
    assertEquals(0, askedInAll.get());

    verifier.verify(GOOD_TOKEN).await();

    assertEquals(new Identity(7, "alice"), verifier.cached("corp", GOOD_TOKEN).identity());
    assertNull(verifier.cached("other", GOOD_TOKEN), "a verdict holds for the instance that gave it");
  }

  @Test
  void should_not_remember_that_gitlab_could_not_be_asked() {
    Credential busy = token(BUSY);

    assertEquals(Outcome.UNAVAILABLE, verifier.verify(busy).await().outcome());
    assertNull(verifier.cached("corp", busy));
    assertEquals(Outcome.UNAVAILABLE, verifier.verify(busy).await().outcome());
    assertEquals(2, asked(BUSY), "the next request asks again");
  }

  @Test
  void should_drop_expired_entries_in_the_background_sweep() {
    verifier.verify(GOOD_TOKEN).await();
    verifier.verify(token("glpat-verifier-bad-0123456789")).await();
    assertEquals(2, verifier.entries()[0] + verifier.entries()[1]);

    clock.advance(Duration.ofMillis(IdentityVerifier.NEGATIVE_TTL_MS));
    verifier.evictExpired();
    assertEquals(1, verifier.entries()[0] + verifier.entries()[1], "the refusal went, the verified token stays");
    clock.advance(Duration.ofSeconds(TTL_SECONDS));
    verifier.evictExpired();
    assertEquals(0, verifier.entries()[0] + verifier.entries()[1]);
  }

  @Test
  void should_key_entries_by_a_keyed_hash_that_reveals_no_token() {
    String k = verifier.key("corp", GOOD_TOKEN);
    IdentityVerifier otherProcess = new IdentityVerifier(vertx, "corp", TTL_SECONDS, 1000, clock, key(2));
    IdentityVerifier sameKey = new IdentityVerifier(vertx, "corp", TTL_SECONDS, 1000, clock, key(1));

    assertFalse(k.contains(GOOD) || k.contains("0123456789"), k);
    assertTrue(k.startsWith("corp:"));
    assertNotEquals(k, otherProcess.key("corp", GOOD_TOKEN), "another key, another hash: no offline guessing");
    assertEquals(k, sameKey.key("corp", GOOD_TOKEN), "replicas sharing a key share entries");
    assertNotEquals(k, verifier.key("corp", new Credential(Credential.Kind.BEARER, new Secret(GOOD))),
        "the kind of credential is part of the key");
  }

  @Test
  void should_key_entries_by_the_credentials_fingerprint_when_no_shared_key_is_given() {
    // what the gateway builds: one HMAC of the token per request, shared with the GitLab client's limiter
    IdentityVerifier perProcess = new IdentityVerifier(vertx, "corp", TTL_SECONDS, 10_000);
    Credential sameTokenAgain = Credential.privateToken(new Secret(GOOD));
    String k = perProcess.key("corp", GOOD_TOKEN);

    assertEquals("corp:" + GOOD_TOKEN.fingerprint(), k);
    assertFalse(k.contains(GOOD) || k.contains("0123456789"), k);
    assertEquals(k, perProcess.key("corp", sameTokenAgain), "equal tokens, equal entries");
    assertNotEquals(k, perProcess.key("corp", new Credential(Credential.Kind.BEARER, new Secret(GOOD))),
        "the kind of credential is part of the key");
    assertNotEquals(k, perProcess.key("other", GOOD_TOKEN), "an instance's verdict is not another's");

    assertEquals(Outcome.VALID, perProcess.verify(GOOD_TOKEN).await().outcome());
    assertEquals("alice", perProcess.verify(sameTokenAgain).await().identity().username());
    assertEquals(Outcome.INVALID, perProcess.verify(token("glpat-verifier-bad-0123456789")).await().outcome());
    assertEquals(1, asked(GOOD), "the second request with the token was answered from the cache");
  }

  // ---- one check, many callers, each on its own event loop

  @Test
  void should_continue_each_joining_caller_on_its_own_event_loop() {
    held = new ConcurrentLinkedQueue<>();
    CallerVerticle first = new CallerVerticle();
    CallerVerticle second = new CallerVerticle();
    vertx.deployVerticle(first).await();
    vertx.deployVerticle(second).await();
    Thread firstLoop = first.thread().await();
    Thread secondLoop = second.thread().await();
    assertNotEquals(firstLoop, secondLoop, "precondition: two event loops");

    Future<Continuation<Verdict>> firstDone = first.call(() -> verifier.verify(GOOD_TOKEN));
    Poll.until(() -> held.size() == 1, "the first caller's check to reach GitLab");
    Future<Continuation<Verdict>> secondDone = second.call(() -> verifier.verify(GOOD_TOKEN));
    second.thread().await(); // the second caller has joined the running check
    answer(held.poll()); // GitLab answers the one shared check

    Continuation<Verdict> a = firstDone.await();
    Continuation<Verdict> b = secondDone.await();
    assertSame(first.context(), a.context());
    assertSame(firstLoop, a.thread());
    assertSame(second.context(), b.context(), "the joiner continues on its own context");
    assertSame(secondLoop, b.thread(), "the joiner continues on its own event loop");
    assertEquals(Outcome.VALID, b.result().outcome());
    assertEquals(1, asked(GOOD), "both callers shared one GitLab call");
  }

}
