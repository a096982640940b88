package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.Secret;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * One reachability and version check of one instance: GET /api/v4/version (and /api/v4/user with a
 * token) over a client built by the same factory as the gateway's, so TLS, proxy and HTTP/2 behave as in
 * production. Used by {@code instances test}; a detailed health view can run it too.
 *
 * @param versionStatus HTTP status of /api/v4/version, 0 without an answer
 * @param failure       why there was no answer (one line an operator can act on), or null
 * @param httpVersion   the negotiated protocol, e.g. HTTP/2
 * @param tls           the TLS protocol, or null over plain http
 * @param gitlab        version and edition, e.g. "17.5.1-ee (Enterprise Edition)", when GitLab told
 * @param userStatus    HTTP status of /api/v4/user, 0 when no token was tried
 * @param username      whose token it is, when accepted
 */
public record InstanceProbe(int versionStatus, String failure, String httpVersion, String tls, long latencyMs,
                            String gitlab, int userStatus, String username) {

  /** Probes {@code c} with {@code token} (maybe {@link Secret#NONE}); never fails: a failure is in the result. */
  public static Future<InstanceProbe> run(Vertx vertx, GitLabConfig c, Secret token) {
    HttpClientAgent http = GitLabClientFactory.create(vertx, c);
    long start = System.nanoTime();
    return get(http, c, "/version", token)
        .compose(version -> {
          long latency = (System.nanoTime() - start) / 1_000_000L;
          InstanceProbe p = new InstanceProbe(version.status, null, name(version.version), version.tls, latency,
              gitlabVersion(version), 0, null);
          if (!token.isSet()) {
            return Future.succeededFuture(p);
          }
          return get(http, c, "/user", token).map(user -> new InstanceProbe(p.versionStatus, null, p.httpVersion,
              p.tls, p.latencyMs, p.gitlab, user.status, user.status == 200 ? json(user.body).getString("username")
              : null));
        })
        .recover(e -> Future.succeededFuture(new InstanceProbe(0, describe(e), null, null,
            (System.nanoTime() - start) / 1_000_000L, null, 0, null)))
        .eventually(() -> http.close());
  }

  /** Reachable, answered as GitLab does, and the token (if any) accepted. */
  public boolean ok() {
    return failure == null && gitlabAnswered() && (userStatus == 0 || userStatus == 200);
  }

  /** A 2xx, or the 401/403 a GitLab that wants a token gives for /version. */
  public boolean gitlabAnswered() {
    return (versionStatus >= 200 && versionStatus < 300) || versionStatus == 401 || versionStatus == 403;
  }

  private record Answer(int status, HttpVersion version, String tls, Buffer body) {
  }

  private static Future<Answer> get(HttpClientAgent http, GitLabConfig c, String path, Secret token) {
    RequestOptions opts = new RequestOptions().setAbsoluteURI(c.apiBase() + path).setTimeout(c.requestTimeoutMs())
        .setFollowRedirects(false)
        .putHeader(HttpHeaders.USER_AGENT, GitLabClient.USER_AGENT)
        .putHeader(HttpHeaders.ACCEPT, "application/json");
    if (token.isSet()) {
      opts.putHeader("PRIVATE-TOKEN", token.reveal());
    }
    return http.request(opts).compose(req -> req.send()).compose(resp -> resp.body()
        .map(body -> new Answer(resp.statusCode(), resp.version(), tls(resp), body)));
  }

  private static String tls(HttpClientResponse resp) {
    HttpConnection conn = resp.request().connection();
    return conn != null && conn.isSsl() && conn.sslSession() != null ? conn.sslSession().getProtocol() : null;
  }

  private static String name(HttpVersion v) {
    return switch (v) {
      case HTTP_2 -> "HTTP/2";
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_1_0 -> "HTTP/1.0";
    };
  }

  private static String gitlabVersion(Answer a) {
    if (a.status != 200) {
      return null;
    }
    JsonObject v = json(a.body);
    String version = v.getString("version");
    if (version == null) {
      return null;
    }
    Object enterprise = v.getValue("enterprise");
    return version + (Boolean.TRUE.equals(enterprise) || version.endsWith("-ee") ? " (Enterprise Edition)"
        : Boolean.FALSE.equals(enterprise) ? " (Community Edition)" : "");
  }

  private static JsonObject json(Buffer b) {
    try {
      return b.toJsonObject();
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  /** One line an operator can act on; the deepest cause says what really happened. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = firstLine(root.getMessage());
    if (e instanceof javax.net.ssl.SSLException || root instanceof javax.net.ssl.SSLException
        || root instanceof java.security.cert.CertificateException
        || root.getClass().getName().startsWith("sun.security")) {
      return "TLS handshake failed: " + message + " (is the certificate signed by a CA the JVM trusts? if not, "
          + "set http.caFile to the PEM of that CA)";
    }
    if (root instanceof java.net.UnknownHostException) {
      return "unknown host: " + message;
    }
    if (root instanceof java.util.concurrent.TimeoutException || root.getClass().getSimpleName().contains("Timeout")) {
      return "timed out: " + message;
    }
    if (root instanceof java.net.ConnectException || root.getClass().getSimpleName().contains("Connect")) {
      return "connection failed: " + message;
    }
    return root.getClass().getSimpleName() + ": " + message;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "(no detail)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
