package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.core.Version;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import io.netty.handler.codec.http2.Http2Error;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to one GitLab instance. Lives on the registry verticle's event loop: its maps need no locks.
 * Retries idempotent requests on 429/502/503/504 and connection failures, honouring Retry-After,
 * within the request timeout; never retries a non-idempotent request once it was sent.
 */
public final class GitLabClient {

  private static final Logger LOG = LoggerFactory.getLogger(GitLabClient.class);
  private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);
  private static final Set<String> KEPT_HEADERS = Set.of("x-page", "x-per-page", "x-next-page", "x-prev-page",
      "x-total", "x-total-pages", "retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset",
      "content-type", "link", "x-gitlab-meta");
  static final long BASE_BACKOFF_MS = 200;
  static final long MAX_RETRY_AFTER_MS = 10_000;
  public static final String USER_AGENT = "gitlab-mcp-gateway/" + Version.VERSION;

  private final GitLabConfig config;
  private final HttpClientAgent http;
  private final Map<String, HttpClientRequest> inFlight = new HashMap<>();
  private final java.util.Set<String> cancelled = new java.util.HashSet<>();
  private final Map<String, Runnable> retryWaits = new HashMap<>();
  private final Observer observer;
  private final ResponseBudget budget;
  private final Ticker ticker;

  /**
   * What the registry learns from each attempt, on the client's event loop: every HTTP answer
   * (including those retried, so RateLimit-* and 429s reach the instance's limiter) and every retry.
   */
  public interface Observer {
    Observer NONE = new Observer() {
    };

    /** An answer to this call (its credential says whose GitLab budget it spent). */
    default void answered(GitLabCall call, GitLabReply reply) {
    }

    default void retrying() {
    }
  }

  public GitLabClient(Vertx vertx, GitLabConfig config) {
    this(vertx, config, Observer.NONE);
  }

  public GitLabClient(Vertx vertx, GitLabConfig config, Observer observer) {
    this(vertx, config, observer, ResponseBudget.unlimited(), Ticker.of(vertx));
  }

  /**
   * @param budget the instance's in-flight response bytes, shared by its clients (old and new on reload)
   * @param ticker time and the timers between retries
   */
  GitLabClient(Vertx vertx, GitLabConfig config, Observer observer, ResponseBudget budget, Ticker ticker) {
    this.config = config;
    this.http = GitLabClientFactory.create(vertx, config);
    this.observer = observer == null ? Observer.NONE : observer;
    this.budget = budget;
    this.ticker = ticker;
  }

  public GitLabConfig config() {
    return config;
  }

  public Future<GitLabReply> send(GitLabCall call) {
    long start = ticker.nanoTime();
    long deadline = start + config.requestTimeoutMs() * 1_000_000L;
    Promise<GitLabReply> result = Promise.promise();
    if (call.callId() != null) {
      inFlight.put(call.callId(), null); // known from now on, so an early cancel is not lost
    }
    Charge charge = new Charge();
    attempt(call, 1, start, deadline, result, charge);
    return result.future().onComplete(ar -> {
      // The body is handed over in this same event-loop turn: the registry replies with it next.
      charge.releaseAll();
      if (call.callId() != null) {
        inFlight.remove(call.callId());
        cancelled.remove(call.callId());
        retryWaits.remove(call.callId());
      }
    });
  }

  /** REST paths are relative to /api/v4; GraphQL lives beside it at /api/graphql. */
  private String url(GitLabCall call) {
    return InstanceIntrospector.GRAPHQL_PATH.equals(call.pathAndQuery())
        ? config.baseUrl() + "/api/graphql" : config.apiBase() + call.pathAndQuery();
  }

  /** Resets the in-flight request with that id, if any; the caller's future fails as CANCELLED. */
  public void cancel(String callId) {
    if (!inFlight.containsKey(callId)) {
      return; // finished already, or never here: nothing to keep
    }
    cancelled.add(callId);
    Runnable waiting = retryWaits.remove(callId);
    if (waiting != null) {
      waiting.run();
      return;
    }
    HttpClientRequest req = inFlight.get(callId);
    if (req != null) {
      req.reset(Http2Error.CANCEL.code());
    }
  }

  public Future<Void> close() {
    return http.close();
  }

  private void attempt(GitLabCall call, int n, long start, long deadline, Promise<GitLabReply> result,
                       Charge charge) {
    long remainingMs = (deadline - ticker.nanoTime()) / 1_000_000L;
    if (call.callId() != null && cancelled.contains(call.callId())) {
      result.complete(GitLabReply.failed(GitLabReply.Failure.CANCELLED, "the request was cancelled", n - 1, ms(start)));
      return;
    }
    if (remainingMs <= 0) {
      result.complete(timeout(n - 1, start));
      return;
    }
    RequestOptions opts = new RequestOptions()
        .setMethod(call.method())
        .setAbsoluteURI(url(call))
        .setTimeout(remainingMs)
        .setFollowRedirects(false)
        .putHeader(HttpHeaders.USER_AGENT, USER_AGENT)
        .putHeader(HttpHeaders.ACCEPT, "application/json");
    authenticate(opts, call.credential());
    if (call.body() != null) {
      opts.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    http.request(opts)
        .compose(req -> {
          if (call.callId() != null) {
            inFlight.put(call.callId(), req);
            if (cancelled.contains(call.callId())) {
              req.reset(Http2Error.CANCEL.code()); // cancelled while the connection was being set up
              return Future.failedFuture(new java.util.concurrent.CancellationException());
            }
          }
          return call.body() == null ? req.send() : req.send(call.body());
        })
        .compose(resp -> readLimited(resp, charge))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            GitLabReply reply = ar.result().withTiming(n, ms(start));
            observer.answered(call, reply);
            long delay = retryDelay(call, reply, n, deadline);
            if (delay >= 0) {
              LOG.debug("gitlab_retry instance={} call=\"{}\" status={} attempt={} delayMs={}", config.name(), call,
                  reply.status(), n, delay);
              charge.releaseAll(); // this answer is dropped
              waitThenRetry(call, Math.max(1, delay), n, start, deadline, result, charge);
            } else {
              result.complete(reply);
            }
          } else {
            onTransportFailure(call, n, start, deadline, result, ar.cause(), charge);
          }
        });
  }

  /** Waits before the next attempt; a cancel during the wait ends the call at once. */
  private void waitThenRetry(GitLabCall call, long delay, int n, long start, long deadline,
                             Promise<GitLabReply> result, Charge charge) {
    observer.retrying();
    long timer = ticker.setTimer(delay, () -> {
      if (call.callId() != null) {
        retryWaits.remove(call.callId());
      }
      attempt(call, n + 1, start, deadline, result, charge);
    });
    if (call.callId() != null) {
      retryWaits.put(call.callId(), () -> {
        ticker.cancelTimer(timer);
        result.tryComplete(GitLabReply.failed(GitLabReply.Failure.CANCELLED, "the request was cancelled", n, ms(start)));
      });
    }
  }

  private void onTransportFailure(GitLabCall call, int n, long start, long deadline, Promise<GitLabReply> result,
                                  Throwable cause, Charge charge) {
    if (call.callId() != null && cancelled.contains(call.callId())) {
      result.complete(GitLabReply.failed(GitLabReply.Failure.CANCELLED, "the request was cancelled", n, ms(start)));
      return;
    }
    if (cause instanceof TooLarge) {
      result.complete(GitLabReply.failed(GitLabReply.Failure.TOO_LARGE,
          "GitLab's response is larger than the " + config.maxResponseBytes() + "-byte limit", n, ms(start)));
      return;
    }
    if (cause instanceof OverBudget) {
      LOG.info("gitlab_response_budget_exceeded instance={} call=\"{}\" limitBytes={}", config.name(), call,
          budget.limit());
      result.complete(GitLabReply.failed(GitLabReply.Failure.BUSY, "GitLab instance " + config.label()
          + " is busy: the answers being read from it already fill its " + budget.limit()
          + "-byte budget; retry in 1 s", n, ms(start)));
      return;
    }
    charge.releaseAll(); // a retry reads a new body
    boolean timedOut = ticker.nanoTime() >= deadline || isTimeout(cause);
    if (timedOut) {
      result.complete(timeout(n, start));
      return;
    }
    // A request that failed on the connection may not have reached GitLab; retry only what is safe twice.
    if (call.idempotent() && n <= config.maxRetries()) {
      long delay = backoff(n);
      if (ticker.nanoTime() + delay * 1_000_000L < deadline) {
        LOG.debug("gitlab_retry instance={} call=\"{}\" error={} attempt={}", config.name(), call,
            cause.getClass().getSimpleName(), n);
        waitThenRetry(call, delay, n, start, deadline, result, charge);
        return;
      }
    }
    LOG.info("gitlab_unreachable instance={} call=\"{}\" error={}", config.name(), call, describe(cause));
    result.complete(GitLabReply.failed(GitLabReply.Failure.CONNECTION,
        "could not reach GitLab at " + config.baseUrl().getHost() + " (" + describe(cause) + ")", n, ms(start)));
  }

  private GitLabReply timeout(int attempts, long start) {
    return GitLabReply.failed(GitLabReply.Failure.TIMEOUT,
        "GitLab did not answer within " + config.requestTimeoutMs() + " ms", attempts, ms(start));
  }

  /** Milliseconds to wait before the next attempt, or -1 when the reply is final. */
  private long retryDelay(GitLabCall call, GitLabReply reply, int n, long deadline) {
    if (!call.idempotent() || !RETRYABLE.contains(reply.status()) || n > config.maxRetries()) {
      return -1;
    }
    long delay = backoff(n);
    String retryAfter = reply.header("retry-after");
    if (retryAfter != null) {
      try {
        delay = Math.max(delay, Long.parseLong(retryAfter.trim()) * 1000L);
      } catch (NumberFormatException ignored) {
        // An HTTP-date Retry-After is rare from GitLab; the backoff stands.
      }
    }
    if (delay > MAX_RETRY_AFTER_MS || ticker.nanoTime() + delay * 1_000_000L >= deadline) {
      return -1;
    }
    return delay;
  }

  /** Exponential (200, 400, 800 ms...) plus up to half again at random, so clients retrying together spread out. */
  static long backoff(int attempt) {
    long base = BASE_BACKOFF_MS << Math.min(attempt - 1, 6);
    return base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }

  /** Reads the body within maxResponseBytes, charging the instance's in-flight budget as chunks arrive. */
  private Future<GitLabReply> readLimited(HttpClientResponse resp, Charge charge) {
    Promise<GitLabReply> p = Promise.promise();
    Buffer body = Buffer.buffer();
    long limit = config.maxResponseBytes();
    resp.handler(chunk -> {
      RuntimeException refusal = body.length() + chunk.length() > limit ? new TooLarge()
          : !charge.take(chunk.length()) ? new OverBudget() : null;
      if (refusal != null) {
        resp.handler(null);
        p.tryFail(refusal); // before reset(): the reset fires the exception handler too
        resp.request().reset();
      } else {
        body.appendBuffer(chunk);
      }
    });
    resp.exceptionHandler(p::tryFail);
    resp.endHandler(v -> {
      Map<String, String> headers = new HashMap<>();
      resp.headers().forEach(h -> {
        String k = h.getKey().toLowerCase(Locale.ROOT);
        if (KEPT_HEADERS.contains(k)) {
          headers.put(k, h.getValue());
        }
      });
      p.tryComplete(new GitLabReply(resp.statusCode(), headers, body, null, null, 0, 0));
    });
    return p.future();
  }

  private static void authenticate(RequestOptions opts, Credential credential) {
    switch (credential.kind()) {
      case PRIVATE_TOKEN -> opts.putHeader("PRIVATE-TOKEN", credential.secret().reveal());
      case BEARER -> opts.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + credential.secret().reveal());
      case JOB_TOKEN -> opts.putHeader("JOB-TOKEN", credential.secret().reveal());
      default -> {
      }
    }
  }

  private static boolean isTimeout(Throwable t) {
    return t instanceof java.util.concurrent.TimeoutException
        || t.getClass().getSimpleName().contains("Timeout");
  }

  private static String describe(Throwable t) {
    String name = t.getClass().getSimpleName();
    if (t instanceof java.net.ConnectException || name.contains("Connect")) {
      return "connection refused or unreachable";
    }
    if (t instanceof javax.net.ssl.SSLException || name.contains("Ssl") || name.contains("SSL")) {
      return "TLS handshake failed";
    }
    if (t instanceof java.net.UnknownHostException) {
      return "unknown host";
    }
    return "connection closed";
  }

  private long ms(long startNanos) {
    return (ticker.nanoTime() - startNanos) / 1_000_000L;
  }

  /** What one call holds of the instance's in-flight budget. */
  private final class Charge {
    private long bytes;

    boolean take(long n) {
      if (!budget.charge(n, bytes)) {
        return false;
      }
      bytes += n;
      return true;
    }

    void releaseAll() {
      budget.release(bytes);
      bytes = 0;
    }
  }

  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super("response too large", null, false, false);
    }
  }

  /** The instance's answers in flight would go beyond rateLimit.maxResponseBytesInFlight. */
  private static final class OverBudget extends RuntimeException {
    OverBudget() {
      super("response budget exceeded", null, false, false);
    }
  }
}
