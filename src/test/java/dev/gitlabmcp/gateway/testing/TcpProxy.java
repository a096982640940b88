package dev.gitlabmcp.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay in front of a real server (PostgreSQL, Redis) that a test can take away and bring back on the
 * same port: {@link #cut()} drops every connection and refuses new ones (the server is down),
 * {@link #blackhole()} accepts connections but never answers (the network swallows packets),
 * {@link #restore()} relays again.
 */
public final class TcpProxy implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetClient client = vertx.createNetClient();
  private final String targetHost;
  private final int targetPort;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean swallow;
  private NetServer server;
  private boolean listening;
  private int port;

  private TcpProxy(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  public static TcpProxy to(String host, int port) {
    TcpProxy p = new TcpProxy(host, port);
    p.listen(0);
    return p;
  }

  public int port() {
    return port;
  }

  private void listen(int onPort) {
    server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setReuseAddress(true))
        .connectHandler(this::relay);
    port = await(server.listen(onPort, "127.0.0.1")).actualPort();
    listening = true;
  }

  private void relay(NetSocket in) {
    open.add(in);
    in.closeHandler(v -> open.remove(in));
    if (swallow) {
      in.pause();
      return;
    }
    in.pause();
    client.connect(targetPort, targetHost).onSuccess(out -> {
      open.add(out);
      out.closeHandler(v -> {
        open.remove(out);
        in.close();
      });
      in.closeHandler(v -> {
        open.remove(in);
        out.close();
      });
      in.pipeTo(out);
      out.pipeTo(in);
    }).onFailure(err -> in.close());
  }

  /** Drops every connection and stops listening: connecting is refused. */
  public void cut() {
    await(server.close());
    listening = false;
    dropAll();
  }

  /** Listens again but holds every new connection without a byte of answer; existing ones are dropped. */
  public void blackhole() {
    swallow = true;
    dropAll();
    if (!listening) {
      listen(port);
    }
  }

  /** Relays again on the same port. */
  public void restore() {
    swallow = false;
    dropAll();
    if (!listening) {
      listen(port);
    }
  }

  private void dropAll() {
    open.forEach(NetSocket::close);
    open.clear();
  }

  private static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
