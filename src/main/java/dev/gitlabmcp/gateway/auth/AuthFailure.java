package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.http.HttpProblem;
import dev.gitlabmcp.gateway.limit.RateLimiter;

/**
 * Why a request was not authenticated, and the one table that maps each reason to its HTTP answer:
 * 401 with a {@code WWW-Authenticate} challenge, 403, 429 with Retry-After, or 503 with Retry-After.
 */
public final class AuthFailure extends RuntimeException {

  /** The reasons, each with its status and the metric label it is counted under. */
  public enum Reason {
    MISSING(401, "missing"), FORMAT(401, "format"), INVALID(401, "invalid"), FORBIDDEN(403, "forbidden"),
    RATE_LIMITED(429, "rate_limited"), UNAVAILABLE(503, "unavailable");

    final int status;
    final String label;

    Reason(int status, String label) {
      this.status = status;
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  static final String CHALLENGE = "Bearer realm=\"gitlab-mcp-gateway\"";

  private final Reason reason;
  private final String error;
  private final String userMessage;
  private final long retryAfterSeconds;

  public AuthFailure(Reason reason, String error, String userMessage, long retryAfterSeconds) {
    super(reason.name(), null, false, false);
    this.reason = reason;
    this.error = error;
    this.userMessage = userMessage;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public AuthFailure(Reason reason, String error, String userMessage) {
    this(reason, error, userMessage, 0);
  }

  private RateLimiter.Decision limits;
  private boolean stepUp;

  /**
   * A 403 a new authorization can cure (the sign-in lacks something it could be granted, such as a GitLab
   * instance): with sign-in, its challenge says {@code insufficient_scope}, so an MCP client authorizes again.
   */
  public AuthFailure stepUp() {
    this.stepUp = true;
    return this;
  }

  /** The budget this refusal spent, sent as RateLimit-* headers. */
  public AuthFailure limits(RateLimiter.Decision d) {
    this.limits = d;
    return this;
  }

  public Reason reason() {
    return reason;
  }

  /** Text safe inside a quoted header parameter: printable ASCII without quotes or backslashes. */
  public static String quotable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : ' ');
    }
    return b.toString();
  }

  /** The answer: status, the {"error","message"} body, and the headers its status calls for. */
  public HttpProblem toProblem() {
    HttpProblem p = HttpProblem.plain(reason.status, error, userMessage);
    if (reason.status == 401) {
      // RFC 6750: the reason in the challenge too, for clients that show it rather than the body.
      p.header("WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\", error_description=\""
          + quotable(error) + "\"");
    }
    if (limits != null) {
      p.header("RateLimit-Limit", Integer.toString(limits.limit()))
          .header("RateLimit-Remaining", Integer.toString(limits.remaining()))
          .header("RateLimit-Reset", Long.toString(limits.resetSeconds()));
    }
    if (retryAfterSeconds > 0) {
      p.header("Retry-After", Long.toString(retryAfterSeconds));
    }
    return p;
  }

  /**
   * The answer when the gateway is an OAuth authorization server: a 401 challenge names the protected-resource
   * metadata and the scope to ask for (RFC 9728 §5.1, MCP authorization), so a client can start signing in;
   * {@code error="invalid_token"} only when a token was presented (RFC 6750 §3.1).
   */
  public HttpProblem toProblem(String resourceMetadata, String scope) {
    HttpProblem p = toProblem();
    if (reason.status == 401) {
      p.header("WWW-Authenticate", "Bearer resource_metadata=\"" + quotable(resourceMetadata) + "\", scope=\""
          + quotable(scope) + "\"" + (reason == Reason.MISSING ? ""
          : ", error=\"invalid_token\", error_description=\"" + quotable(error) + "\""));
    } else if (stepUp && reason.status == 403) {
      p.header("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"" + quotable(scope)
          + "\", resource_metadata=\"" + quotable(resourceMetadata) + "\", error_description=\"" + quotable(error)
          + "\"");
    }
    return p;
  }
}
