package dev.gitlabmcp.gateway.core;

/** Every event-bus address the gateway uses, in one place. */
public final class Addresses {

  /** Request/reply: a {@code GitLabCall} in, a {@code GitLabReply} out. */
  public static final String GITLAB_CALL = "gateway.gitlab.call";
  /** Fire-and-forget: a call id whose in-flight GitLab request should be reset. */
  public static final String GITLAB_CANCEL = "gateway.gitlab.cancel";
  /**
   * Request/reply: an {@code InstanceSet} in (the complete new set of instances after a reload); the
   * registry adds, reconfigures and drains clients, and replies with a JSON summary {added, changed, removed}.
   */
  public static final String INSTANCES_RELOAD = "gateway.instances.reload";
  /**
   * Request/reply: any body in, a JSON object out with one entry per instance name:
   * {status: healthy|degraded|down, limiter: {...}, ...} for the detailed health view.
   */
  public static final String INSTANCES_STATUS = "gateway.instances.status";
  /**
   * Request/reply: a {@code TierQuery} in (instance, caller, namespace or project), a {@code TierAnswer} out
   * (free, premium, ultimate or unknown, with GitLab's plan name). Always answers within the detector's timeout.
   */
  public static final String TIER_LOOKUP = "gateway.tier.lookup";
  /** Publish: the process is stopping; every open event stream closes with a reconnect hint. */
  public static final String DRAIN = "gateway.drain";
  /** Prefix of a session's server-to-client stream; the session id follows. */
  public static final String SESSION_OUT_PREFIX = "gateway.session.out.";

  private Addresses() {
  }

  public static String sessionOut(String sessionId) {
    return SESSION_OUT_PREFIX + sessionId;
  }
}
