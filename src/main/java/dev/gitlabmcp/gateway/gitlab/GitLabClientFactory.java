package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.util.List;

/** The one place where HTTP client options for GitLab are decided. */
public final class GitLabClientFactory {

  /** HTTP/2 multiplexes many streams over a connection, so a few connections carry the load. */
  static final int HTTP2_CONNECTIONS = 2;

  private GitLabClientFactory() {
  }

  public static HttpClientOptions options(GitLabConfig cfg) {
    HttpClientOptions o = new HttpClientOptions()
        .setKeepAlive(true)
        .setKeepAliveTimeout(cfg.keepAliveSeconds())
        .setHttp2KeepAliveTimeout(cfg.keepAliveSeconds())
        .setConnectTimeout(cfg.connectTimeoutMs())
        .setDecompressionSupported(true)
        .setVerifyHost(true);
    if (cfg.tls()) {
      o.setSsl(true);
      if (cfg.http2()) {
        // ALPN offers h2 and http/1.1; the server picks, so HTTP/1.1-only servers still work.
        o.setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2)
            .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
      } else {
        o.setProtocolVersion(HttpVersion.HTTP_1_1);
      }
    } else if (cfg.h2c()) {
      // Prior knowledge: no Upgrade dance, the first bytes are the HTTP/2 preface.
      o.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
    } else {
      o.setProtocolVersion(HttpVersion.HTTP_1_1);
    }
    return o;
  }

  public static PoolOptions pool(GitLabConfig cfg) {
    return new PoolOptions()
        .setHttp1MaxSize(cfg.maxConnections())
        .setHttp2MaxSize(Math.min(cfg.maxConnections(), HTTP2_CONNECTIONS));
  }

  public static HttpClientAgent create(Vertx vertx, GitLabConfig cfg) {
    return vertx.createHttpClient(options(cfg), pool(cfg));
  }
}
