package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.core.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The one way to call GitLab: sends a {@link GitLabCall} to the registry verticle over the local
 * event bus and hands back its {@link GitLabReply}. Never fails: no answer within the deadline becomes a
 * TIMEOUT reply (and the slow call is cancelled), a missing registry an UNKNOWN_INSTANCE reply.
 */
public final class RegistryClient {

  private final Vertx vertx;
  private final DeliveryOptions delivery;

  /**
   * @param timeoutMs how long to wait for the registry's answer (its own GitLab deadline plus a margin)
   */
  public RegistryClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public Future<GitLabReply> send(GitLabCall call) {
    Future<Message<GitLabReply>> sent;
    try {
      sent = vertx.eventBus().request(Addresses.GITLAB_CALL, call, delivery);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e); // no codec registered: this Vert.x has no registry
    }
    return sent.map(Message::body).recover(err -> failed(call, err));
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
    long timeout = delivery.getSendTimeout();
    return Future.succeededFuture(GitLabReply.failed(
        noRegistry ? GitLabReply.Failure.UNKNOWN_INSTANCE : GitLabReply.Failure.TIMEOUT,
        noRegistry ? "the instance registry is not running" : "GitLab did not answer within " + timeout + " ms",
        0, noRegistry ? 0 : timeout));
  }
}
