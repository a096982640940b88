package dev.gitlabmcp.gateway.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.IntFunction;

/**
 * A closed-loop HTTP/1.1 load generator in the manner of ab: one thread, one selector, C keep-alive
 * connections, each with exactly one request in flight. Requests are prebuilt bytes (no per-request
 * objects), responses are parsed only as far as status, Content-Length and a success marker, and
 * every latency is kept. It needs nothing from Vert.x, so it shares no event loop with anything.
 */
final class LoadGenerator {

  /** One measured run. */
  record Result(long count, long errors, double seconds, long[] sortedLatenciesNs) {

    double rps() {
      return count / seconds;
    }

    /** The pct-th percentile latency in milliseconds. */
    double p(double pct) {
      if (sortedLatenciesNs.length == 0) {
        return Double.NaN;
      }
      int idx = (int) Math.ceil(pct / 100.0 * sortedLatenciesNs.length) - 1;
      return sortedLatenciesNs[Math.max(0, Math.min(sortedLatenciesNs.length - 1, idx))] / 1e6;
    }
  }

  private static final byte[] FAILURE_MARK = "\"isError\":true".getBytes(StandardCharsets.US_ASCII);

  private final InetSocketAddress target;
  private final IntFunction<byte[]> requestForConnection;
  private final byte[] successMark;

  /**
   * @param requestForConnection the complete request bytes connection i sends, again and again
   * @param successMark bytes a successful response body contains (null: any 2xx is a success)
   */
  LoadGenerator(int port, IntFunction<byte[]> requestForConnection, String successMark) {
    this.target = new InetSocketAddress("127.0.0.1", port);
    this.requestForConnection = requestForConnection;
    this.successMark = successMark == null ? null : successMark.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] post(String path, String headers, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "Content-Length: " + b.length
        + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] get(String path, String headers) {
    return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Runs C connections until the time is up or maxRequests were sent (0: no limit). */
  Result run(int concurrency, double seconds, long maxRequests) throws IOException {
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long[] sent = {0};
    long count = 0;
    long errors = 0;
    Conn[] conns = new Conn[concurrency];
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < concurrency; i++) {
        conns[i] = new Conn(requestForConnection.apply(i));
        conns[i].open(selector);
      }
      int active = concurrency;
      for (Conn c : conns) {
        if (!c.startRequest(end, maxRequests, sent)) {
          c.close();
          active--;
        }
      }
      while (active > 0) {
        selector.select(1000);
        if (System.nanoTime() > end + 30_000_000_000L) {
          throw new IOException("responses stopped coming: " + active + " connections still waiting");
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          Conn c = (Conn) key.attachment();
          int outcome;
          try {
            outcome = c.onReady(key);
          } catch (IOException broken) {
            outcome = -1;
          }
          if (outcome == 0) {
            continue; // not complete yet
          }
          c.record(System.nanoTime() - c.sentAt);
          count++;
          if (outcome < 0) {
            errors++;
            c.close();
            c.open(selector); // a fresh connection, as a real client would
          }
          if (!c.startRequest(end, maxRequests, sent)) {
            c.close();
            active--;
          }
        }
      }
    } finally {
      for (Conn c : conns) {
        if (c != null) {
          c.close();
        }
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long total = 0;
    for (Conn c : conns) {
      total += c.n;
    }
    long[] all = new long[(int) total];
    int k = 0;
    for (Conn c : conns) {
      System.arraycopy(c.latencies, 0, all, k, c.n);
      k += c.n;
    }
    Arrays.sort(all);
    return new Result(count, errors, elapsed, all);
  }

  private final class Conn {
    final ByteBuffer request;
    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    SocketChannel ch;
    SelectionKey key;
    long sentAt;
    long[] latencies = new long[4096];
    int n;

    Conn(byte[] request) {
      this.request = ByteBuffer.wrap(request);
    }

    void open(Selector selector) throws IOException {
      ch = SocketChannel.open();
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.connect(target);
      ch.configureBlocking(false);
      key = ch.register(selector, 0, this);
    }

    boolean startRequest(long end, long maxRequests, long[] sent) throws IOException {
      if (System.nanoTime() >= end || (maxRequests > 0 && sent[0] >= maxRequests)) {
        return false;
      }
      sent[0]++;
      request.clear();
      in.clear();
      sentAt = System.nanoTime();
      ch.write(request);
      key.interestOps(request.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
      return true;
    }

    /** 0: not done; 1: a successful response; -1: an error (the connection is not reused). */
    int onReady(SelectionKey k) throws IOException {
      if (k.isWritable()) {
        ch.write(request);
        if (!request.hasRemaining()) {
          k.interestOps(SelectionKey.OP_READ);
        }
        return 0;
      }
      if (!in.hasRemaining()) {
        ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
        in.flip();
        bigger.put(in);
        in = bigger;
      }
      if (ch.read(in) < 0) {
        return -1;
      }
      return parse();
    }

    private int parse() {
      byte[] a = in.array();
      int len = in.position();
      int headEnd = indexOf(a, 0, len, CRLFCRLF);
      if (headEnd < 0) {
        return 0;
      }
      int bodyStart = headEnd + 4;
      int contentLength = contentLength(a, bodyStart);
      if (contentLength < 0) {
        return -1; // chunked or no length: not what these servers send for these requests
      }
      if (len < bodyStart + contentLength) {
        return 0;
      }
      int status = (a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0');
      boolean ok = status >= 200 && status < 300;
      if (ok && successMark != null) {
        ok = indexOf(a, bodyStart, bodyStart + contentLength, successMark) >= 0
            && indexOf(a, bodyStart, bodyStart + contentLength, FAILURE_MARK) < 0;
      }
      return ok ? 1 : -1;
    }

    void record(long latency) {
      if (n == latencies.length) {
        latencies = Arrays.copyOf(latencies, n * 2);
      }
      latencies[n++] = latency;
    }

    void close() {
      try {
        if (ch != null) {
          ch.close();
        }
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};
  private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

  private static int contentLength(byte[] a, int headEnd) {
    outer:
    for (int i = 0; i + CONTENT_LENGTH.length < headEnd; i++) {
      if (a[i] != '\n') {
        continue;
      }
      for (int j = 0; j < CONTENT_LENGTH.length; j++) {
        if (Character.toLowerCase(a[i + 1 + j]) != CONTENT_LENGTH[j]) {
          continue outer;
        }
      }
      int p = i + 1 + CONTENT_LENGTH.length;
      while (a[p] == ' ') {
        p++;
      }
      int v = 0;
      while (a[p] >= '0' && a[p] <= '9') {
        v = v * 10 + (a[p++] - '0');
      }
      return v;
    }
    return -1;
  }

  private static int indexOf(byte[] a, int from, int to, byte[] needle) {
    outer:
    for (int i = from; i <= to - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (a[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
