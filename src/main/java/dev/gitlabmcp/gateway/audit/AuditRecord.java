package dev.gitlabmcp.gateway.audit;

import java.util.Locale;

/**
 * One {@code tools/call}, as the audit log keeps it: who, where, which tool on which project, how it ended and
 * how long it took. Never an argument value beyond {@code project_id}: arguments can hold file contents and
 * secrets. Text that came from the caller (tool name, project, request id) is cut to {@link #MAX_TEXT} characters
 * and reduced to a safe character set, so a record is one log line and one row whatever was sent.
 *
 * @param at epoch millis when the call started
 * @param subject the caller's stable subject ({@code user:<GitLab user id>}, {@code server-token}, ...)
 * @param username the GitLab username when known, else ""
 * @param instance the GitLab instance the call went to
 * @param clientId the OAuth client the call came through, else ""
 * @param tool the tool name as called
 * @param project the {@code project_id} argument as given, else ""
 * @param reason with {@link Outcome#REFUSED}: policy, availability, arguments, tier, limit or unknown_tool; with
 *     {@link Outcome#ERROR} and no GitLab status: timeout, connection, too_large, cancelled, internal ...; else ""
 * @param gitlabStatus the HTTP status GitLab answered, 0 when it was not asked or did not answer
 * @param durationMs from the call's arrival to its answer
 * @param requestId the JSON-RPC id of the call
 * @param session the first characters of the MCP session id, or "-" without a session
 */
public record AuditRecord(long at, String subject, String username, String instance, String clientId, String tool,
                          String project, Outcome outcome, String reason, int gitlabStatus, long durationMs,
                          String requestId, String session) {

  /** Longest kept text of a field. */
  public static final int MAX_TEXT = 200;

  /** How a call ended. */
  public enum Outcome {
    /** A result without isError. */
    OK,
    /** An isError result from GitLab's answer (status in gitlabStatus), or no answer (reason says why). */
    ERROR,
    /** The gateway refused the call before or instead of GitLab (reason says which check). */
    REFUSED;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
      return label;
    }

    public static Outcome of(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }

  public AuditRecord {
    subject = clean(subject);
    username = clean(username);
    instance = clean(instance);
    clientId = clean(clientId);
    tool = clean(tool);
    project = clean(project);
    reason = clean(reason);
    requestId = clean(requestId);
    session = clean(session);
    if (outcome == null) {
      throw new IllegalArgumentException("an audit record needs an outcome");
    }
  }

  /**
   * {@code s} cut to {@link #MAX_TEXT} characters, each outside letters, digits and {@code ._-/:@+%=#~}
   * replaced with '?'; "" for null. The common case (already clean, short) returns {@code s} itself.
   */
  static String clean(String s) {
    if (s == null) {
      return "";
    }
    int n = Math.min(s.length(), MAX_TEXT);
    int i = 0;
    while (i < n && safe(s.charAt(i))) {
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    StringBuilder b = new StringBuilder(n).append(s, 0, i);
    for (; i < n; i++) {
      char c = s.charAt(i);
      b.append(safe(c) ? c : '?');
    }
    return b.toString();
  }

  private static boolean safe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "._-/:@+%=#~".indexOf(c) >= 0;
  }
}
