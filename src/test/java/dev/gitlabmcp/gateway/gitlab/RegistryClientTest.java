package dev.gitlabmcp.gateway.gitlab;

import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.instance;
import static dev.gitlabmcp.gateway.gitlab.RegistryFixture.unlimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.gitlabmcp.gateway.core.Addresses;
import dev.gitlabmcp.gateway.gitlab.GitLabReply.Failure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RegistryClientTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static GitLabCall call(String callId) {
    return new GitLabCall(callId, "main", HttpMethod.GET, "/version", null, RegistryFixture.CREDENTIAL, true);
  }

  /** A context of its own (a test thread's {@code getOrCreateContext()} keeps handing back the same one). */
  private Context newContext() {
    AtomicReference<Context> created = new AtomicReference<>();
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        created.set(context);
        return Future.succeededFuture();
      }
    }).await();
    return created.get();
  }

  /** Runs {@code body} on an event-loop context of its own and hands back what it produced and where it ran. */
  private <T> Future<T> onLoop(Context loop, java.util.function.Supplier<Future<T>> body) {
    Promise<T> p = Promise.promise();
    loop.runOnContext(v -> body.get().onComplete(p));
    return p.future();
  }

  @Test
  void should_reach_the_running_registry_without_the_event_bus_and_answer_on_the_callers_loop() {
    HttpServer gitlab = vertx.createHttpServer().requestHandler(r -> r.response().end("{\"version\":\"17.0.0\"}"))
        .listen(0, "127.0.0.1").await();
    RegistryFixture.deploy(vertx, instance("main", "http://127.0.0.1:" + gitlab.actualPort(), unlimited()));
    AtomicInteger overTheBus = new AtomicInteger();
    vertx.eventBus().addOutboundInterceptor(m -> {
      if (Addresses.GITLAB_CALL.equals(m.message().address())) {
        overTheBus.incrementAndGet();
      }
      m.next();
    });
    assertNotNull(RegistryClient.directory(vertx).get(Addresses.GITLAB_CALL), "the registry publishes itself");

    Context caller = newContext();
    AtomicReference<Context> answeredOn = new AtomicReference<>();
    RegistryClient client = new RegistryClient(vertx, 30_000);
    GitLabReply reply = onLoop(caller, () -> client.send(call("c1"))
        .andThen(ar -> answeredOn.set(Vertx.currentContext()))).await();

    assertEquals(200, reply.status(), String.valueOf(reply.failureDetail()));
    assertSame(caller, answeredOn.get(), "the answer comes back on the caller's context");
    assertEquals(0, overTheBus.get(), "no message on the event bus");
  }

  @Test
  void should_run_the_call_on_the_registrys_loop() {
    Context registry = newContext();
    AtomicReference<Context> ranOn = new AtomicReference<>();
    RegistryClient.directory(vertx).put(Addresses.GITLAB_CALL, new RegistryClient.Direct(registry, c -> {
      ranOn.set(Vertx.currentContext());
      return Future.succeededFuture(GitLabReply.failed(Failure.CONNECTION, "stand-in", 0, 0));
    }));
    Context caller = newContext();
    assertNotSame(registry, caller);

    GitLabReply reply = onLoop(caller, () -> new RegistryClient(vertx, 30_000).send(call("c2"))).await();

    assertEquals("stand-in", reply.failureDetail());
    assertSame(registry, ranOn.get());
  }

  @Test
  void should_answer_timeout_and_cancel_the_call_when_the_registry_does_not_answer() {
    Promise<String> cancelled = Promise.promise();
    vertx.eventBus().<String>consumer(Addresses.GITLAB_CANCEL, m -> cancelled.tryComplete(m.body()));
    Promise<GitLabReply> never = Promise.promise();
    RegistryClient.directory(vertx).put(Addresses.GITLAB_CALL,
        new RegistryClient.Direct(newContext(), c -> never.future()));

    GitLabReply reply = onLoop(newContext(), () -> new RegistryClient(vertx, 50).send(call("slow")))
        .await();

    assertEquals(Failure.TIMEOUT, reply.failure());
    assertEquals("GitLab did not answer within 50 ms", reply.failureDetail());
    assertEquals("slow", cancelled.future().await());
  }

  @Test
  void should_stop_publishing_the_registry_once_it_is_undeployed() {
    RegistryFixture.deploy(vertx, instance("main", "http://127.0.0.1:9", unlimited()));
    for (String id : vertx.deploymentIDs()) {
      vertx.undeploy(id).await();
    }

    assertNull(RegistryClient.directory(vertx).get(Addresses.GITLAB_CALL));
    GitLabReply reply = onLoop(newContext(), () -> new RegistryClient(vertx, 1_000).send(call("c3")))
        .await();
    assertEquals(Failure.UNKNOWN_INSTANCE, reply.failure(), "no registry: as before, over the event bus");
  }
}
