package dev.gitlabmcp.gateway.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Bytes over a plain socket: for requests no HTTP client library would agree to send. */
final class RawHttp {

  /** What came back: the status (0 when the server closed without answering) and the whole text. */
  record Answer(int status, String text, boolean closed) {
  }

  private RawHttp() {
  }

  /** Sends the bytes and reads until the server closes or stays silent for readTimeoutMs. */
  static Answer exchange(int port, byte[] request, int readTimeoutMs) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(readTimeoutMs);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      return read(s.getInputStream());
    } catch (IOException e) {
      // The server may close while we are still writing (e.g. a refused oversized header).
      return new Answer(0, e.toString(), true);
    }
  }

  static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    boolean closed = false;
    try {
      int n;
      while ((n = in.read(chunk)) >= 0) {
        buf.write(chunk, 0, n);
      }
      closed = true;
    } catch (SocketTimeoutException silent) {
      // the server kept the connection open: what arrived so far is the answer
    } catch (IOException reset) {
      closed = true;
    }
    String text = buf.toString(StandardCharsets.ISO_8859_1);
    int status = 0;
    if ((text.startsWith("HTTP/1.1 ") || text.startsWith("HTTP/1.0 ")) && text.length() >= 12) {
      status = Integer.parseInt(text.substring(9, 12));
    }
    return new Answer(status, text, closed);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
