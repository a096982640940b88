package dev.gitlabmcp.gateway.oauth;

import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The gateway's own HTML: the consent page and the error page shown when a client cannot be sent back
 * safely. No scripts; every value escaped; never framed (CSP {@code frame-ancestors 'none'} and
 * X-Frame-Options DENY); never cached.
 */
final class Pages {

  private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
      + "frame-ancestors 'none'; base-uri 'none'";
  private static final String STYLE = "body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;"
      + "padding:0 1rem;color:#1f1f1f}h1{font-size:1.4rem}.box{border:1px solid #ddd;border-radius:8px;padding:1rem;"
      + "margin:1rem 0}.muted{color:#666;font-size:.9rem}.warn{color:#8a4b00}button{font-size:1rem;padding:.5rem 1.2rem;"
      + "margin-right:.5rem;border-radius:6px;border:1px solid #888;cursor:pointer}.ok{color:#217645;font-size:.9rem}button.primary{background:#1f75cb;"
      + "color:#fff;border-color:#1f75cb}code{word-break:break-all}";

  private Pages() {
  }

  /** What the consent page says about one authorization. */
  record Consent(String clientName, String clientId, String clientKind, String verifiedDomain, String redirectHost,
                 boolean loopbackRedirect, List<Choice> instances, boolean write, String sealedRequest,
                 String csrf) {
  }

  /**
   * A GitLab instance offered on the consent page, ticked when the client asked for it or it was approved before.
   *
   * @param health the gateway's view of it (healthy, degraded, down), or null when not known
   */
  record Choice(String name, String label, String url, boolean ticked, String health) {
  }

  /** How an instance's health reads next to its name; nothing when it is fine or not known. */
  private static String health(String status) {
    if (status == null) {
      return "";
    }
    return switch (status) {
      case "healthy" -> " <span class=ok>up</span>";
      case "degraded" -> " <span class=warn>answering slowly or with errors right now</span>";
      case "down" -> " <span class=warn>not reachable right now</span>";
      default -> "";
    };
  }

  static void consent(RoutingContext ctx, Consent c) {
    StringBuilder b = new StringBuilder(4096);
    b.append("<h1>Allow <strong>").append(esc(c.clientName())).append("</strong> to use GitLab as you?</h1>");
    b.append("<div class=box><p>").append(esc(c.clientName())).append(" (an MCP client) asks to call this "
        + "gateway's GitLab tools on your behalf.</p>");
    if (c.verifiedDomain() != null) {
      b.append("<p>Verified domain: <strong>").append(esc(c.verifiedDomain())).append("</strong></p>");
    } else {
      b.append("<p class=muted>Client id <code>").append(esc(c.clientId())).append("</code> (").append(esc(c.clientKind()))
          .append("; the name above is what the client says about itself)</p>");
    }
    b.append("<p>After you approve, you are sent to <strong>").append(esc(c.redirectHost())).append("</strong>");
    if (c.loopbackRedirect()) {
      b.append(" <span class=warn>(an app on this computer)</span>");
    }
    b.append(".</p></div><form method=post action=\"/oauth/authorize/decision\"><div class=box>");
    if (c.instances().size() == 1) {
      Choice only = c.instances().get(0);
      b.append("<p>You will sign in to GitLab <strong>").append(esc(only.label())).append("</strong> (")
          .append(esc(only.url())).append(").</p><input type=hidden name=instance value=\"").append(esc(only.name()))
          .append("\">");
    } else {
      b.append("<input type=hidden name=picker value=1><fieldset><legend>Sign in to these GitLab instances (you sign in to each in turn):</legend>");
      for (Choice i : c.instances()) {
        b.append("<p><label><input type=checkbox name=instance value=\"").append(esc(i.name())).append('"')
            .append(i.ticked() ? " checked" : "").append("> <strong>").append(esc(i.label())).append("</strong> <span "
                + "class=muted>(").append(esc(i.url())).append(")</span>").append(health(i.health()))
            .append("</label></p>");
      }
      b.append("</fieldset>");
    }
    b.append("<p>")
        .append(c.write() ? "The client will be able to <strong>read and change</strong> what your GitLab account can "
            + "(projects, issues, merge requests, pipelines, ...) through the gateway's tools, within the gateway's "
            + "own limits." : "The client will be able to <strong>read</strong> what your GitLab account can see "
            + "through the gateway's tools; it cannot change anything.")
        .append("</p><p class=muted>You can revoke access at any time by revoking the application in GitLab "
            + "(User settings &gt; Applications).</p></div>");
    b.append("<input type=hidden name=request value=\"").append(esc(c.sealedRequest())).append("\">")
        .append("<input type=hidden name=csrf value=\"").append(esc(c.csrf())).append("\">")
        .append("<p><label><input type=checkbox name=remember value=yes> Remember this decision for this client</label></p>")
        .append("<button class=primary type=submit name=decision value=approve>Approve</button>")
        .append("<button type=submit name=decision value=deny>Deny</button></form>");
    send(ctx, 200, "Authorize " + c.clientName(), b.toString());
  }

  /** One of several instances failed: which, why, what is connected and what is still to come. */
  record Partial(String failed, String reason, List<String> connected, List<String> remaining, String id,
                 String csrf) {
  }

  static void partial(RoutingContext ctx, Partial p) {
    StringBuilder b = new StringBuilder(2048);
    b.append("<h1>GitLab instance <strong>").append(esc(p.failed())).append("</strong> was not connected</h1>")
        .append("<div class=box><p>").append(esc(p.reason())).append(".</p>");
    if (!p.connected().isEmpty()) {
      b.append("<p>Connected: <strong>").append(esc(String.join(", ", p.connected()))).append("</strong></p>");
    }
    if (!p.remaining().isEmpty()) {
      b.append("<p>Still to sign in to: <strong>").append(esc(String.join(", ", p.remaining())))
          .append("</strong></p>");
    }
    b.append("</div><form method=post action=\"/oauth/authorize/partial\">")
        .append("<input type=hidden name=partial value=\"").append(esc(p.id())).append("\">")
        .append("<input type=hidden name=csrf value=\"").append(esc(p.csrf())).append("\">")
        .append("<button class=primary type=submit name=decision value=continue>Continue without ")
        .append(esc(p.failed())).append("</button>")
        .append("<button type=submit name=decision value=cancel>Cancel sign-in</button></form>");
    send(ctx, 200, "GitLab instance " + p.failed() + " was not connected", b.toString());
  }

  /** An error the user sees in the browser (the client cannot be sent back safely, or the flow is broken). */
  static void error(RoutingContext ctx, int status, String title, String message) {
    send(ctx, status, title, "<h1>" + esc(title) + "</h1><div class=box><p>" + esc(message) + "</p></div>"
        + "<p class=muted>Start the sign-in again from your MCP client.</p>");
  }

  private static void send(RoutingContext ctx, int status, String title, String body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        // same-origin, not no-referrer: with no-referrer the browser posts the consent form with Origin: null.
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("Cache-Control", "no-store")
        .end("<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport "
            + "content=\"width=device-width,initial-scale=1\"><title>" + esc(title) + "</title><style>" + STYLE
            + "</style></head><body>" + body + "</body></html>");
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
