package dev.gitlabmcp.gateway.http;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.gitlabmcp.gateway.state.StoreUnavailable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RepliesTest {

  @Test
  void should_answer_a_request_whose_store_is_away_with_503_and_retry_after_without_the_reason() throws Exception {
    Vertx vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.post("/oauth/token").handler(ctx -> Future.<Void>failedFuture(new StoreUnavailable("the database",
            new ConnectException("Connection refused: db.internal/10.0.0.5:5432")))
        .onFailure(err -> Replies.fail(ctx, err)));
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.actualPort() + "/oauth/token"))
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(503, r.statusCode(), r.body());
    assertEquals("5", r.headers().firstValue("Retry-After").orElse(null));
    assertEquals("temporarily_unavailable", new JsonObject(r.body()).getString("error"));
    assertFalse(r.body().contains("10.0.0.5") || r.body().contains("db.internal"), r.body());
    await(vertx.close());
  }
}
