package dev.gitlabmcp.gateway.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's reference: a plain reverse proxy in core Vert.x that forwards each GET, with its
 * PRIVATE-TOKEN and Accept headers, to the fake GitLab and relays status, content type and body. One
 * event loop per core and a 64-connection pool like the gateway, no JSON, no checks: the floor for
 * any gateway that makes one upstream call per request. Prints one line with its URL.
 * Arguments: the upstream port, then optionally its own port.
 */
public final class ReferenceProxyMain {

  private ReferenceProxyMain() {
  }

  public static void main(String[] args) throws Exception {
    int upstream = Integer.parseInt(args[0]);
    int port = args.length > 1 ? Integer.parseInt(args[1]) : BenchProcesses.freePort();
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(upstream).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createHttpServer().requestHandler(req -> forward(client, req)).listen(port, "127.0.0.1");
      }
    }, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.out.println("reference proxy on http://127.0.0.1:" + port);
  }

  private static void forward(HttpClient client, HttpServerRequest req) {
    client.request(HttpMethod.GET, req.uri())
        .compose(out -> {
          copy(req, out.headers(), "PRIVATE-TOKEN");
          copy(req, out.headers(), "Accept");
          return out.send();
        })
        .compose(resp -> resp.body().onSuccess(body -> req.response().setStatusCode(resp.statusCode())
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body)))
        .onFailure(e -> req.response().setStatusCode(502).end());
  }

  private static void copy(HttpServerRequest from, io.vertx.core.MultiMap to, String name) {
    String value = from.getHeader(name);
    if (value != null) {
      to.set(name, value);
    }
  }
}
