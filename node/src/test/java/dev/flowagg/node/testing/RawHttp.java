package dev.flowagg.node.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** One plain TCP connection to a node, for the requests no HTTP client sends: bytes in, responses parsed out. */
public final class RawHttp implements AutoCloseable {

  /** One response: its status, headers (names in lower case) and body. */
  public record Response(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final ByteArrayOutputStream unread = new ByteArrayOutputStream();
  private boolean closedByServer;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  public static RawHttp connect(int port) throws IOException {
    return new RawHttp(new Socket("127.0.0.1", port));
  }

  public RawHttp send(String ascii) throws IOException {
    return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawHttp send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  /** Closes this side's output, as a client does that has nothing more to send; the server may still answer. */
  public void closeOutput() throws IOException {
    socket.shutdownOutput();
  }

  /** The next response, read whole (its body by Content-Length, or chunked); fails if it has not come within the deadline. */
  public Response readResponse(Duration deadline) throws IOException {
    long end = System.nanoTime() + deadline.toNanos();
    int headEnd;
    while ((headEnd = indexOf(unread.toByteArray(), "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))) < 0) {
      if (!readMore(end)) {
        throw new IOException("no complete response within " + deadline + "; got: " + text(unread.toByteArray()));
      }
    }
    String[] head = text(unread.toByteArray()).substring(0, headEnd).split("\r\n");
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < head.length; i++) {
      int colon = head[i].indexOf(':');
      headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
    }
    int bodyStart = headEnd + 4;
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      return chunked(Integer.parseInt(head[0].split(" ")[1]), headers, bodyStart, end, deadline);
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    while (unread.size() < bodyStart + length) {
      if (!readMore(end)) {
        throw new IOException("response body cut short within " + deadline);
      }
    }
    byte[] all = unread.toByteArray();
    String body = new String(all, bodyStart, length, StandardCharsets.UTF_8);
    unread.reset();
    unread.write(all, bodyStart + length, all.length - bodyStart - length);
    return new Response(Integer.parseInt(head[0].split(" ")[1]), headers, body);
  }

  /** A chunked body (streamed answers): chunks up to the last, empty one, joined. */
  private Response chunked(int status, Map<String, String> headers, int at, long end, Duration deadline)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] crlf = "\r\n".getBytes(StandardCharsets.ISO_8859_1);
    while (true) {
      int lineEnd;
      while ((lineEnd = indexOf(unread.toByteArray(), crlf, at)) < 0) {
        if (!readMore(end)) {
          throw new IOException("chunked body cut short within " + deadline);
        }
      }
      String sizeLine = text(unread.toByteArray()).substring(at, lineEnd);
      int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
      int dataStart = lineEnd + 2;
      while (unread.size() < dataStart + size + 2) {
        if (!readMore(end)) {
          throw new IOException("chunked body cut short within " + deadline);
        }
      }
      byte[] all = unread.toByteArray();
      body.write(all, dataStart, size);
      at = dataStart + size + 2;
      if (size == 0) {
        unread.reset();
        unread.write(all, at, all.length - at);
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
      }
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    for (int i = from; i + needle.length <= haystack.length; i++) {
      if (haystack[i] == needle[0] && haystack[i + 1] == needle[1]) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the server closes the connection within the deadline (with nothing more to read). */
  public boolean closedByServerWithin(Duration deadline) throws IOException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!closedByServer) {
      if (!readMore(end) && !closedByServer) {
        return false;
      }
    }
    return unread.size() == 0;
  }

  /** Reads what arrives before {@code endNanos}; false when nothing more came (a timeout or the end of the stream). */
  private boolean readMore(long endNanos) throws IOException {
    if (closedByServer) {
      return false;
    }
    long leftMillis = (endNanos - System.nanoTime()) / 1_000_000;
    if (leftMillis <= 0) {
      return false;
    }
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
    byte[] buffer = new byte[8192];
    try {
      int n = in.read(buffer);
      if (n < 0) {
        closedByServer = true;
        return false;
      }
      unread.write(buffer, 0, n);
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException reset) {
      // A server that closes with our bytes unread resets the connection: closed all the same.
      closedByServer = true;
      return false;
    }
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (haystack[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
