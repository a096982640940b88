package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import io.vertx.core.net.TrustOptions;
import java.net.URI;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where HTTP client options for GitLab are decided: per instance, HTTP/2 via ALPN over TLS
 * (HTTP/1.1 when the server does not offer h2), h2c with prior knowledge when configured, keep-alive always,
 * the pool sized by {@code maxConnections}, extra CAs, the HTTP proxy and its exceptions.
 */
public final class GitLabClientFactory {

  private static final Logger LOG = LoggerFactory.getLogger(GitLabClientFactory.class);

  /** HTTP/2 multiplexes many streams over a connection, so a few connections carry the load. */
  static final int HTTP2_CONNECTIONS = 2;

  /** Default HTTP proxy port when the proxy URL names none (the common squid/corporate default). */
  static final int DEFAULT_PROXY_PORT = 3128;

  private GitLabClientFactory() {
  }

  public static HttpClientOptions options(GitLabConfig cfg) {
    HttpClientOptions o = new HttpClientOptions()
        .setName("gitlab-" + cfg.name())
        .setMetricsName("gitlab-" + cfg.name())
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
      trust(o, cfg);
    } else if (cfg.h2c()) {
      // Prior knowledge: no Upgrade dance, the first bytes are the HTTP/2 preface.
      o.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
    } else {
      o.setProtocolVersion(HttpVersion.HTTP_1_1);
    }
    ProxyOptions proxy = proxy(cfg);
    if (proxy != null) {
      o.setProxyOptions(proxy);
    }
    return o;
  }

  public static PoolOptions pool(GitLabConfig cfg) {
    return new PoolOptions()
        .setHttp1MaxSize(cfg.maxConnections())
        .setHttp2MaxSize(Math.min(cfg.maxConnections(), HTTP2_CONNECTIONS));
  }

  /** Builds the client; the one moment a disabled certificate check is announced, loudly. */
  public static HttpClientAgent create(Vertx vertx, GitLabConfig cfg) {
    if (cfg.tls() && cfg.insecureSkipVerify()) {
      LOG.warn("gitlab_tls_verification_disabled instance={} url={} insecureSkipVerify=true: any certificate is "
          + "accepted and host names are not checked, so traffic to this instance (tokens included) can be "
          + "intercepted. Use caFile instead outside tests and labs.", cfg.name(), cfg.baseUrl());
    }
    return vertx.createHttpClient(options(cfg), pool(cfg));
  }

  /**
   * The proxy to reach this instance through, or null to connect directly: no proxy configured, or the
   * instance's host matches a noProxy entry. Each client talks to one host, so deciding here is exact.
   */
  static ProxyOptions proxy(GitLabConfig cfg) {
    if (cfg.proxy().isEmpty() || bypassesProxy(cfg.baseUrl().getHost(), cfg.noProxy())) {
      return null;
    }
    URI p = URI.create(cfg.proxy().trim());
    int port = p.getPort() > 0 ? p.getPort() : DEFAULT_PROXY_PORT;
    return new ProxyOptions().setType(ProxyType.HTTP).setHost(p.getHost()).setPort(port);
  }

  /**
   * Whether {@code host} is reached directly: an entry matches the exact host, ".example.com" (or
   * "*.example.com") matches any subdomain of example.com, and "*" matches every host. Case-insensitive.
   */
  public static boolean bypassesProxy(String host, List<String> noProxy) {
    String h = stripBrackets(host.toLowerCase(Locale.ROOT));
    for (String raw : noProxy) {
      String e = stripBrackets(raw.trim().toLowerCase(Locale.ROOT));
      if (e.isEmpty()) {
        continue;
      }
      if (e.equals("*") || e.equals(h)) {
        return true;
      }
      String suffix = e.startsWith("*.") ? e.substring(1) : e;
      if (suffix.startsWith(".") && (h.endsWith(suffix) || h.equals(suffix.substring(1)))) {
        return true;
      }
    }
    return false;
  }

  private static String stripBrackets(String h) {
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  private static void trust(HttpClientOptions o, GitLabConfig cfg) {
    if (cfg.insecureSkipVerify()) {
      o.setTrustAll(true).setVerifyHost(false);
    } else if (!cfg.caFile().isEmpty()) {
      o.setTrustOptions(new JdkAndPemTrust(cfg.caFile()));
    }
  }

  /**
   * The JVM's trusted CAs plus those of a PEM file: a corporate CA is added, gitlab.com stays trusted (behind
   * a TLS-inspecting proxy, for instance). Vert.x calls this off the event loop when it builds the SSL
   * context, so the file is read there; a record, so equal options share one SSL context.
   */
  record JdkAndPemTrust(String caFile) implements TrustOptions {

    @Override
    public TrustOptions copy() {
      return this;
    }

    @Override
    public TrustManagerFactory getTrustManagerFactory(Vertx vertx) throws Exception {
      KeyStore store = new PemTrustOptions().addCertPath(caFile).loadKeyStore(vertx);
      int i = 0;
      for (X509Certificate ca : jdkDefaultTrust().getAcceptedIssuers()) {
        store.setCertificateEntry("jdk-" + i++, ca);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return tmf;
    }

    @Override
    public Function<String, TrustManager[]> trustManagerMapper(Vertx vertx) throws Exception {
      TrustManager[] managers = getTrustManagerFactory(vertx).getTrustManagers();
      return serverName -> managers;
    }

    private static X509TrustManager jdkDefaultTrust() throws Exception {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("the JVM has no X.509 trust manager");
    }
  }
}
