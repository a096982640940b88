package dev.gitlabmcp.gateway.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.testing.SelfSignedCert;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.ext.web.client.HttpResponse;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients identified by a Client ID Metadata Document, served over https on loopback (the fetch's address
 * policy is opened to loopback for these tests only; the production policy refuses it, see
 * {@link AuthorizationServerTest#should_refuse_a_client_metadata_document_on_a_private_address}).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MetadataDocumentsTest {

  private final Vertx docs = Vertx.vertx();
  private final AtomicInteger fetches = new AtomicInteger();
  private HttpServer server;
  private OAuthFixture f;
  private String base;

  private void start(Path dir) throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(dir);
    server = OAuthFixture.await(docs.createHttpServer(new HttpServerOptions().setSsl(true)
            .setKeyCertOptions(new PfxOptions().setPath(cert.keyStore().toString()).setPassword(cert.password())))
        .requestHandler(req -> {
          fetches.incrementAndGet();
          String path = req.path();
          String self = base + path;
          switch (path) {
            case "/client.json" -> req.response().putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "max-age=600").end(document(self).encode());
            case "/other.json" -> req.response().putHeader("Content-Type", "application/json")
                .end(document("https://elsewhere.example/client.json").encode());
            case "/big.json" -> req.response().putHeader("Content-Type", "application/json")
                .end(document(self).put("padding", "x".repeat(MetadataDocuments.MAX_BYTES)).encode());
            case "/loop.json" -> req.response().setStatusCode(302).putHeader("Location", "/loop.json").end();
            default -> req.response().setStatusCode(404).end();
          }
        }).listen(0, "127.0.0.1"));
    base = "https://127.0.0.1:" + server.actualPort();
    f = new OAuthFixture(Map.of(), fx -> new Grants(fx.state.grants(), fx.keys, fx.clock::millis,
        Grants.Lifetimes.DEFAULTS), (InetAddress a) -> true,
        new HttpClientOptions().setTrustOptions(new PemTrustOptions().addCertPath(cert.pem().toString())));
  }

  private static JsonObject document(String clientId) {
    return new JsonObject().put("client_id", clientId).put("client_name", "Doc Client")
        .put("redirect_uris", new JsonArray().add(OAuthFixture.CLIENT_REDIRECT));
  }

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
    OAuthFixture.await(docs.close());
  }

  @Test
  void should_sign_in_a_client_known_by_its_metadata_document_and_fetch_it_once(@TempDir Path dir) throws Exception {
    start(dir);
    String clientId = base + "/client.json";

    HttpResponse<Buffer> page = f.get(f.authorizePath(clientId, ""));
    assertEquals(200, page.statusCode(), page.bodyAsString());
    assertTrue(page.bodyAsString().contains("Verified domain: <strong>127.0.0.1</strong>"), page.bodyAsString());

    String code = OAuthFixture.query(f.followToClient(f.decide(page, "approve", false)).getHeader("Location"))
        .get("code");
    assertNotNull(code);
    HttpResponse<Buffer> tokens = f.token(f.codeExchange(clientId, code));
    assertEquals(200, tokens.statusCode(), tokens.bodyAsString());
    assertEquals(1, fetches.get(), "the document is cached");
  }

  @Test
  void should_refuse_documents_that_name_another_client_are_too_large_or_redirect_forever(@TempDir Path dir)
      throws Exception {
    start(dir);
    Map<String, String> cases = Map.of("/other.json", "names another client_id", "/big.json", "larger than",
        "/loop.json", "redirects too often", "/missing.json", "HTTP 404");
    cases.forEach((path, why) -> {
      HttpResponse<Buffer> r = f.get(f.authorizePath(base + path, ""));
      assertEquals(400, r.statusCode(), path);
      assertNull(r.getHeader("Location"), path);
      assertTrue(r.bodyAsString().contains(why), path + ": " + r.bodyAsString());
    });
  }

  @Test
  void should_count_only_public_unicast_addresses_as_fetchable() throws Exception {
    PublicAddresses policy = new PublicAddresses();
    for (String a : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "224.0.0.1"}) {
      assertTrue(!policy.test(InetAddress.getByName(a)), a);
    }
    for (String a : new String[] {"8.8.8.8", "140.82.112.3", "2606:4700::1111"}) {
      assertTrue(policy.test(InetAddress.getByName(a)), a);
    }
  }
}
