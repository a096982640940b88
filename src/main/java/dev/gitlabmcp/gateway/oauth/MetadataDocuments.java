package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.state.TransientStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Client ID Metadata Documents: a client whose {@code client_id} is an https URL is described by the JSON
 * document at that URL. Fetched with SSRF guards (the host is resolved first and every address must be
 * public; the connection goes to the checked address, so DNS cannot change its answer in between), a
 * size cap, a deadline and at most {@link #MAX_REDIRECTS} redirects (each checked again); cached in the
 * transient store as the document's Cache-Control allows (between 1 minute and 1 day).
 */
final class MetadataDocuments {

  static final int MAX_BYTES = 16 * 1024;
  static final int MAX_REDIRECTS = 3;
  static final long TIMEOUT_MS = 5_000;
  static final long DEFAULT_CACHE_MS = 10 * 60_000L;
  private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d{1,9})");

  private final Vertx vertx;
  private final HttpClient http;
  private final TransientStore cache;
  private final Predicate<InetAddress> allowed;

  MetadataDocuments(Vertx vertx, TransientStore cache, Predicate<InetAddress> allowed, HttpClientOptions options) {
    this.vertx = vertx;
    this.cache = cache;
    this.allowed = allowed;
    this.http = vertx.createHttpClient(options.setSsl(true).setConnectTimeout((int) TIMEOUT_MS).setKeepAlive(false));
  }

  /** Whether a client id is a metadata document URL (as opposed to a registered id). */
  static boolean isDocumentUrl(String clientId) {
    return clientId != null && clientId.regionMatches(true, 0, "https://", 0, 8);
  }

  /** The client the document describes; fails with an {@link OAuthError} a consent error page can show. */
  Future<OAuthClient> client(String clientId) {
    String problem = urlProblem(clientId);
    if (problem != null) {
      return Future.failedFuture(OAuthError.invalidClient(problem));
    }
    String key = "oauth:cimd:" + clientId;
    return cache.get(key).compose(cached -> cached != null ? Future.succeededFuture(new JsonObject(cached))
            : fetch(URI.create(clientId), 0).compose(doc -> {
              JsonObject json = parse(clientId, doc.body);
              return doc.cacheMs > 0 ? cache.put(key, json.encode(), doc.cacheMs).map(json) : Future.succeededFuture(json);
            }))
        .map(json -> toClient(clientId, json));
  }

  /** CIMD: https, a host, a path other than "/", no fragment, user info or dot segments. */
  static String urlProblem(String url) {
    try {
      URI u = new URI(url);
      String path = u.getRawPath() == null ? "" : u.getRawPath();
      if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getRawFragment() != null
          || u.getRawUserInfo() != null || path.isEmpty() || path.equals("/") || url.length() > 2000
          || Arrays.stream(path.split("/")).anyMatch(s -> s.equals(".") || s.equals(".."))) {
        return "client_id " + RedirectUris.clip(url) + " is not a valid client metadata document URL (https, with a "
            + "path, no fragment or credentials)";
      }
      return null;
    } catch (Exception e) {
      return "client_id is not a valid URL";
    }
  }

  private record Document(Buffer body, long cacheMs) {
  }

  private Future<Document> fetch(URI url, int redirects) {
    String host = url.getHost();
    int port = url.getPort() > 0 ? url.getPort() : 443;
    return vertx.<InetAddress[]>executeBlocking(() -> InetAddress.getAllByName(host), false)
        .recover(err -> Future.failedFuture(OAuthError.invalidClient("the host of client_id " + host
            + " does not resolve")))
        .compose(addresses -> {
          if (addresses.length == 0 || !Arrays.stream(addresses).allMatch(allowed)) {
            return Future.failedFuture(OAuthError.invalidClient("client_id " + host + " resolves to a private, "
                + "loopback or otherwise non-public address; the gateway fetches client metadata from public "
                + "addresses only"));
          }
          RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setSsl(true)
              .setURI(url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()))
              .setServer(SocketAddress.inetSocketAddress(port, addresses[0].getHostAddress()))
              .setTimeout(TIMEOUT_MS).setFollowRedirects(false).putHeader("Accept", "application/json");
          return http.request(ro).compose(req -> req.send()).compose(resp -> answer(url, resp, redirects));
        })
        .recover(err -> Future.failedFuture(err instanceof OAuthError ? err : OAuthError.invalidClient(
            "the client metadata document at " + RedirectUris.clip(url.toString()) + " could not be fetched")));
  }

  private Future<Document> answer(URI url, HttpClientResponse resp, int redirects) {
    int status = resp.statusCode();
    if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
      String location = resp.getHeader("Location");
      resp.request().reset();
      if (location == null || redirects >= MAX_REDIRECTS) {
        return Future.failedFuture(OAuthError.invalidClient("the client metadata document redirects too often"));
      }
      URI next = url.resolve(location);
      if (!"https".equalsIgnoreCase(next.getScheme()) || next.getHost() == null) {
        return Future.failedFuture(OAuthError.invalidClient("the client metadata document redirects away from https"));
      }
      return fetch(next, redirects + 1);
    }
    if (status != 200) {
      resp.request().reset();
      return Future.failedFuture(OAuthError.invalidClient("the client metadata document answered HTTP " + status));
    }
    Promise<Document> done = Promise.promise();
    Buffer body = Buffer.buffer();
    long cacheMs = cacheMillis(resp.getHeader("Cache-Control"));
    resp.handler(chunk -> {
      if (body.length() + chunk.length() > MAX_BYTES) {
        done.tryFail(OAuthError.invalidClient("the client metadata document is larger than " + MAX_BYTES + " bytes"));
        resp.request().reset(); // after failing: the reset's own error must not win
      } else {
        body.appendBuffer(chunk);
      }
    });
    resp.exceptionHandler(done::tryFail);
    resp.endHandler(v -> done.tryComplete(new Document(body, cacheMs)));
    return done.future();
  }

  static long cacheMillis(String cacheControl) {
    String cc = cacheControl == null ? "" : cacheControl.toLowerCase(Locale.ROOT);
    if (cc.contains("no-store")) {
      return 0;
    }
    Matcher m = MAX_AGE.matcher(cc);
    long ms = m.find() ? Long.parseLong(m.group(1)) * 1000 : DEFAULT_CACHE_MS;
    return Math.max(60_000L, Math.min(ms, 24 * 3600_000L));
  }

  private static JsonObject parse(String clientId, Buffer body) {
    JsonObject doc;
    try {
      doc = body.toJsonObject();
    } catch (RuntimeException e) {
      throw OAuthError.invalidClient("the client metadata document is not a JSON object");
    }
    if (!clientId.equals(doc.getValue("client_id"))) {
      throw OAuthError.invalidClient("the client metadata document names another client_id than its own URL");
    }
    if (!(doc.getValue("redirect_uris") instanceof JsonArray uris) || uris.isEmpty() || uris.size() > RedirectUris.MAX
        || !uris.stream().allMatch(String.class::isInstance)) {
      throw OAuthError.invalidClient("the client metadata document needs 1 to " + RedirectUris.MAX + " redirect_uris");
    }
    List<String> list = uris.stream().map(String.class::cast).toList();
    String type = doc.getValue("application_type") instanceof String s ? s : RedirectUris.inferType(list);
    for (String u : list) {
      String p = RedirectUris.problem(u, type);
      if (p != null) {
        throw OAuthError.invalidClient("the client metadata document has a bad redirect URI: " + p);
      }
    }
    Object method = doc.getValue("token_endpoint_auth_method");
    if (method != null && !"none".equals(method)) {
      throw OAuthError.invalidClient("clients identified by a metadata document authenticate with PKCE only "
          + "(token_endpoint_auth_method none)");
    }
    return new JsonObject().put("client_name", doc.getValue("client_name") instanceof String n ? n : "")
        .put("redirect_uris", new JsonArray(list));
  }

  private static OAuthClient toClient(String clientId, JsonObject json) {
    return new OAuthClient(clientId, Registration.displayName(json.getString("client_name")),
        AuthorizationRequest.strings(json.getJsonArray("redirect_uris")), "none", "",
        OAuthClient.Kind.METADATA_DOCUMENT, URI.create(clientId).getHost());
  }
}
