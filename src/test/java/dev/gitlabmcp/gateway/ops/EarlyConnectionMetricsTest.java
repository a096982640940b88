package dev.gitlabmcp.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * A connection Vert.x accepted before the server had metrics (the port is bound first, the metrics made a moment
 * later) carries no socket metric: its requests must be answered, and simply not counted.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EarlyConnectionMetricsTest {

  private static final SocketAddress LOCAL = SocketAddress.inetSocketAddress(8080, "127.0.0.1");
  private static final SocketAddress CLIENT = SocketAddress.inetSocketAddress(40000, "127.0.0.1");

  private final GatewayMetrics metrics = GatewayMetrics.create();

  @AfterEach
  void close() {
    metrics.close();
  }

  @Test
  void vertx_micrometer_alone_fails_the_request_of_a_connection_without_a_socket_metric() {
    // Why the guard exists: in Vert.x this exception is thrown before the request has a response, and the client
    // waits for ever. If a later vertx-micrometer-metrics tolerates it, this fails and the guard can go.
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HttpServerMetrics<Object, Object, Object> raw = cast(new MicrometerMetricsFactory(registry)
        .metrics(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .createHttpServerMetrics(new HttpServerOptions(), LOCAL));
    assertThrows(NullPointerException.class, () -> raw.requestBegin(null, request("/health")));
    registry.close();
  }

  @Test
  void the_gateways_vertx_serves_such_a_request_without_counting_it_and_counts_every_other_one() {
    Vertx vertx = metrics.vertxBuilder(new VertxOptions()).build();
    try {
      HttpServerMetrics<Object, Object, Object> server = cast(((VertxInternal) vertx).metrics()
          .createHttpServerMetrics(new HttpServerOptions(), LOCAL));

      // the early connection: every call Vert.x makes for it goes through without an exception
      assertDoesNotThrow(() -> {
        Object requestMetric = server.requestBegin(null, request("/health"));
        assertNull(requestMetric, "nothing to measure it with");
        server.requestRouted(requestMetric, "/health");
        server.requestEnd(requestMetric, request("/health"), 0);
        server.responseBegin(requestMetric, response(200));
        server.responseEnd(requestMetric, response(200), 2);
        server.bytesRead(null, CLIENT, 80);
        server.bytesWritten(null, CLIENT, 120);
        server.exceptionOccurred(null, CLIENT, new RuntimeException("reset"));
        server.disconnected(null, CLIENT);
      });
      assertFalse(metrics.scrape().contains("vertx_http_server_requests_total{code=\"200\""),
          "the early request is not counted");

      // an ordinary connection is measured as before, through the same metrics
      Object socket = server.connected(CLIENT, null);
      Object requestMetric = server.requestBegin(socket, request("/mcp"));
      server.requestEnd(requestMetric, request("/mcp"), 120);
      server.responseBegin(requestMetric, response(200));
      server.responseEnd(requestMetric, response(200), 300);
      server.disconnected(socket, CLIENT);
      String scrape = metrics.scrape();
      assertTrue(scrape.contains("vertx_http_server_requests_total{code=\"200\",method=\"POST\"} 1.0"), scrape);
    } finally {
      vertx.close().await();
    }
  }

  @SuppressWarnings("unchecked")
  private static HttpServerMetrics<Object, Object, Object> cast(HttpServerMetrics<?, ?, ?> m) {
    return (HttpServerMetrics<Object, Object, Object>) m;
  }

  private static HttpRequest request(String uri) {
    return new HttpRequest() {
      @Override
      public int id() {
        return 1;
      }

      @Override
      public String uri() {
        return uri;
      }

      @Override
      public String absoluteURI() {
        return "http://127.0.0.1:8080" + uri;
      }

      @Override
      public HttpMethod method() {
        return uri.equals("/mcp") ? HttpMethod.POST : HttpMethod.GET;
      }

      @Override
      public MultiMap headers() {
        return MultiMap.caseInsensitiveMultiMap();
      }

      @Override
      public SocketAddress remoteAddress() {
        return CLIENT;
      }
    };
  }

  private static HttpResponse response(int status) {
    return new HttpResponse() {
      @Override
      public int statusCode() {
        return status;
      }

      @Override
      public MultiMap headers() {
        return MultiMap.caseInsensitiveMultiMap();
      }
    };
  }
}
