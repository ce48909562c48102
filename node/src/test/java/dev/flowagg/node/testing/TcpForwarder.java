package dev.flowagg.node.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Listens on one address and pipes each connection to a fixed target: lets nodes in their own network namespaces
 * reach a server that only listens on the test's loopback (PostgreSQL on 127.0.0.1), and lets a test slow the
 * traffic down ({@link #delayEachChunk}) or hold it ({@link #pause}) to play a slow or stalled database.
 */
public final class TcpForwarder implements AutoCloseable {

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile long delayNanos;
  private final Object gate = new Object();
  private boolean paused;

  public TcpForwarder(String listenHost, InetSocketAddress target) {
    this.target = target;
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(listenHost, 0));
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + listenHost, e);
    }
    Thread.ofVirtual().name("forwarder-accept").start(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        try {
          upstream.connect(target, 5_000);
        } catch (IOException e) {
          closeQuietly(client);
          continue;
        }
        open.add(client);
        open.add(upstream);
        Thread.ofVirtual().start(() -> pipe(client, upstream));
        Thread.ofVirtual().start(() -> pipe(upstream, client));
      } catch (IOException e) {
        // closed, or the target refused this one connection; keep serving the others
      }
    }
  }

  /** Every chunk read from either side waits this long before it is passed on (0: none). */
  public void delayEachChunk(java.time.Duration delay) {
    delayNanos = delay.toNanos();
  }

  /** Holds every byte in both directions until {@link #resume()}. */
  public void pause() {
    synchronized (gate) {
      paused = true;
    }
  }

  public void resume() {
    synchronized (gate) {
      paused = false;
      gate.notifyAll();
    }
  }

  private void pipe(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      byte[] buf = new byte[65536];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        synchronized (gate) {
          while (paused) {
            gate.wait();
          }
        }
        long delay = delayNanos;
        if (delay > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(delay);
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // either side went away
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // nothing to do
    }
    open.forEach(TcpForwarder::closeQuietly);
  }
}
