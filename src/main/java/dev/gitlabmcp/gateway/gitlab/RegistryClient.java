package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.core.Addresses;
import dev.gitlabmcp.gateway.core.CallerContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.function.Function;

/**
 * The one way to call GitLab: hands a {@link GitLabCall} to the registry verticle (directly to its loop when the
 * caller runs on a Vert.x context, else over the local event bus) and hands back its {@link GitLabReply}. Never
 * fails: no answer within the deadline becomes a TIMEOUT reply (and the slow call is cancelled), a missing
 * registry an UNKNOWN_INSTANCE reply.
 */
public final class RegistryClient {

  private final Vertx vertx;
  private final DeliveryOptions delivery;
  private final LocalMap<String, Direct> registry;

  /**
   * @param timeoutMs how long to wait for the registry's answer (its own GitLab deadline plus a margin)
   */
  public RegistryClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.registry = directory(vertx);
  }

  public Future<GitLabReply> send(GitLabCall call) {
    Direct direct = Vertx.currentContext() == null ? null : registry.get(Addresses.GITLAB_CALL);
    if (direct != null) {
      return direct(direct, call); // the answer comes back on this context (CallerContext)
    }
    Future<Message<GitLabReply>> sent;
    try {
      sent = vertx.eventBus().request(Addresses.GITLAB_CALL, call, delivery);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e); // no codec registered: this Vert.x has no registry
    }
    return sent.map(Message::body).recover(err -> failed(call, err));
  }

  /**
   * The registry's loop and its call method. Reaching it this way instead of over the event bus does the same
   * thing (the call runs on the registry's loop, the answer comes back on the caller's, no answer within the
   * deadline is a TIMEOUT and cancels the call) without a message, a reply address and its registration per call.
   */
  record Direct(Context owner, Function<GitLabCall, Future<GitLabReply>> calls) implements Shareable {
  }

  /** Where the running registry publishes its {@link Direct}, under {@link Addresses#GITLAB_CALL}. */
  static LocalMap<String, Direct> directory(Vertx vertx) {
    return vertx.sharedData().getLocalMap(Direct.class.getName());
  }

  private Future<GitLabReply> direct(Direct direct, GitLabCall call) {
    Promise<GitLabReply> answer = Promise.promise();
    long timeout = delivery.getSendTimeout();
    long timer = vertx.setTimer(timeout, t -> {
      if (answer.tryComplete(timedOut(timeout))) {
        cancel(call.callId());
      }
    });
    Promise<GitLabReply> onRegistry = Promise.promise();
    direct.owner().runOnContext(v -> direct.calls().apply(call).onComplete(onRegistry));
    CallerContext.follow(onRegistry.future()).onComplete(ar -> {
      vertx.cancelTimer(timer);
      answer.tryComplete(ar.succeeded() ? ar.result() : GitLabReply.failed(GitLabReply.Failure.CONNECTION,
          "the GitLab call failed unexpectedly", 0, 0));
    });
    return answer.future();
  }

  /** Resets the in-flight GitLab request of a call id; a no-op when it is not running. */
  public void cancel(String callId) {
    if (callId != null) {
      vertx.eventBus().send(Addresses.GITLAB_CANCEL, callId);
    }
  }

  private Future<GitLabReply> failed(GitLabCall call, Throwable err) {
    boolean noRegistry = !(err instanceof ReplyException re) || re.failureType() == ReplyFailure.NO_HANDLERS;
    if (!noRegistry) {
      cancel(call.callId()); // the registry is slow: stop the call nobody waits for any more
    }
    return Future.succeededFuture(noRegistry ? GitLabReply.failed(GitLabReply.Failure.UNKNOWN_INSTANCE,
        "the instance registry is not running", 0, 0) : timedOut(delivery.getSendTimeout()));
  }

  private static GitLabReply timedOut(long timeout) {
    return GitLabReply.failed(GitLabReply.Failure.TIMEOUT, "GitLab did not answer within " + timeout + " ms", 0,
        timeout);
  }
}
