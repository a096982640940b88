package dev.gitlabmcp.gateway.tools;

import dev.gitlabmcp.gateway.gitlab.GitLabReply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** The one table from GitLab outcomes to what the model is told, and what to try next. */
public final class GitLabErrors {

  private static final int MAX_MESSAGE = 500;

  private GitLabErrors() {
  }

  public static String forFailure(GitLabReply reply) {
    return switch (reply.failure()) {
      case TIMEOUT -> "GitLab did not answer in time: " + reply.failureDetail() + ". Try again, or narrow the request.";
      case CONNECTION -> "GitLab is unreachable: " + reply.failureDetail() + ". Try again later.";
      case TOO_LARGE -> "GitLab's answer is too large: " + reply.failureDetail()
          + ". Ask for fewer items (per_page) or a smaller file.";
      case CANCELLED -> "The request was cancelled.";
      case UNKNOWN_INSTANCE -> reply.failureDetail() + ".";
      case BUSY -> reply.failureDetail();
    };
  }

  public static String forStatus(ToolDefinition tool, GitLabReply reply) {
    int s = reply.status();
    String message = message(reply);
    String said = message == null ? "" : ": " + message;
    return switch (s) {
      case 400 -> "GitLab rejected the request (400 Bad Request)" + said + ". Check the arguments of " + tool.name()
          + " and try again.";
      case 401 -> "GitLab did not accept the credentials (401 Unauthorized)" + said
          + ". The token is missing, expired or revoked.";
      case 403 -> "GitLab refused the request (403 Forbidden)" + said
          + ". The token lacks the permission or scope for this, or the feature is not available on this project.";
      case 404 -> "GitLab found nothing (404 Not Found)" + said
          + ". Check the project id or path, the iid and the ref; private resources also answer 404 without access.";
      case 405 -> "GitLab does not allow this here (405 Method Not Allowed)" + said + ".";
      case 409 -> "GitLab reports a conflict (409 Conflict)" + said + ". The resource changed or already exists.";
      case 412 -> "GitLab reports a failed precondition (412)" + said + ". Fetch the current state and try again.";
      case 422 -> "GitLab could not process the request (422 Unprocessable)" + said + ". Fix the arguments.";
      case 429 -> "GitLab's rate limit was hit (429 Too Many Requests)"
          + (reply.header("retry-after") != null ? "; retry after " + reply.header("retry-after") + " s" : "")
          + ". Wait before calling again.";
      default -> s >= 500
          ? "GitLab had a server error (" + s + ")" + said + ". It is not your request; try again later."
          : "GitLab answered " + s + said + ".";
    };
  }

  /** GitLab's own message from its error body: {"message": ...}, {"error": ...}, or plain text. */
  static String message(GitLabReply reply) {
    if (reply.body().length() == 0) {
      return null;
    }
    String raw = reply.body().toString(StandardCharsets.UTF_8).trim();
    String msg;
    try {
      JsonObject o = new JsonObject(raw);
      Object m = o.getValue("message");
      if (m == null) {
        m = o.getValue("error_description");
      }
      if (m == null) {
        m = o.getValue("error");
      }
      msg = m instanceof JsonObject mo ? flatten(mo) : m instanceof JsonArray ma ? ma.encode() : String.valueOf(m);
    } catch (RuntimeException e) {
      String ct = reply.header("content-type");
      if (ct != null && ct.contains("html")) {
        return null; // an HTML error page says nothing useful to a model
      }
      msg = raw;
    }
    return shown(msg);
  }

  /**
   * At most {@link #MAX_MESSAGE} characters of a message, whitespace runs made one space, redacted. The cut
   * comes first, so a huge error body costs no more to redact than what is shown; user info running into the
   * cut is redacted too.
   */
  static String shown(String msg) {
    StringBuilder b = new StringBuilder(Math.min(msg.length(), MAX_MESSAGE + 1));
    boolean space = false;
    for (int i = 0; i < msg.length() && b.length() <= MAX_MESSAGE; i++) {
      char c = msg.charAt(i);
      boolean white = c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
      if (!white || !space) {
        b.append(white ? ' ' : c);
      }
      space = white;
    }
    boolean cut = b.length() > MAX_MESSAGE;
    if (cut) {
      b.setLength(MAX_MESSAGE);
    }
    String safe = Redactor.urlCredentials(b, cut);
    return cut || safe.length() > MAX_MESSAGE ? safe.substring(0, Math.min(safe.length(), MAX_MESSAGE)) + "..." : safe;
  }

  /** {"title": ["can't be blank"]} -> "title can't be blank". */
  private static String flatten(JsonObject o) {
    StringBuilder sb = new StringBuilder();
    for (var e : o) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      Object v = e.getValue();
      String text = v instanceof JsonArray a ? String.join(", ", a.stream().map(String::valueOf).toList())
          : String.valueOf(v);
      sb.append(e.getKey()).append(' ').append(text);
    }
    return sb.toString();
  }
}
