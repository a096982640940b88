package dev.gitlabmcp.gateway.tools;

import dev.gitlabmcp.gateway.gitlab.GitLabReply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * CPU time of shaping GitLab answers crafted against backtracking patterns. Not a test (timings on a shared
 * machine are not assertions; the tests count work instead): run it by hand, e.g.
 * {@code java -cp target/classes:target/test-classes:<deps> dev.gitlabmcp.gateway.tools.ShapingBenchmark 200000}.
 */
public final class ShapingBenchmark {

  private ShapingBenchmark() {
  }

  /**
   * A run of scheme characters where every letter starts a word ({@code a.a.a.}), then one real URL with
   * credentials: a backtracking pattern rescans the run from each of its letters.
   */
  static String craftedSchemeRun(int chars) {
    return "a.".repeat(chars / 2) + " see https://bot:s3cr3t@gitlab.example.com/g/p.git";
  }

  /** Many scheme starts, each followed by a long user-info run that never reaches an '@'. */
  static String craftedUserInfoRun(int chars) {
    return "mail me@example.com " + "a.".repeat(chars / 4) + "://" + "b".repeat(chars / 2);
  }

  /** One job-log line of section markers whose option brackets never close. */
  static String craftedLogLine(int chars) {
    return "section_start:1:a[".repeat(chars / 18) + "\n";
  }

  /** Arguments: the length of the crafted text (default 200000), then the kinds to run (default all). */
  public static void main(String[] args) {
    int chars = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    List<String> kinds = args.length > 1 ? Arrays.asList(args).subList(1, args.length)
        : List.of("scheme-run", "userinfo-run", "log-sections");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    ResponseShaper shaper = new ResponseShaper(60_000);
    ToolDefinition log = new ToolDefinition("get_job_log", null, "A job log.", "ci", "free", HttpMethod.GET,
        List.of("/log"), List.of(), new ResponseSpec(ResponseSpec.Kind.TEXT, List.of(), true, true, false),
        new ToolDefinition.Traits(true, false, true, false, false), null, null, new JsonObject(), new JsonObject(), null);
    for (String kind : kinds) {
      String text = switch (kind) {
        case "scheme-run" -> craftedSchemeRun(chars);
        case "userinfo-run" -> craftedUserInfoRun(chars);
        default -> craftedLogLine(chars);
      };
      for (String round : List.of("first call", "second call")) {
        JsonObject issue = new JsonObject().put("iid", 1).put("description", text);
        GitLabReply reply = new GitLabReply(200, Map.of("content-type", "text/plain"), Buffer.buffer(text), null, null,
            1, 1);
        long start = mx.getCurrentThreadCpuTime();
        if (kind.equals("log-sections")) {
          shaper.shape(log, reply, false, new JsonObject());
        } else {
          Redactor.redact(issue);
        }
        long micros = (mx.getCurrentThreadCpuTime() - start) / 1_000;
        System.out.println(kind + " " + text.length() + " chars, " + round + ": " + micros / 1000.0 + " ms CPU");
      }
    }
  }
}
