package dev.flowagg.node.ingest;

import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.nativeagg.NativeUdpSocket;
import dev.flowagg.protocol.net.IpAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NetFlow socket: one platform thread receives datagrams straight into off-heap batches and hands each full
 * batch — or whatever arrived when the socket runs dry — to the ingest side. Never blocks on the ingest side.
 *
 * <p>Two ways to read the socket, the same behaviour around them: the native library's batched receive
 * ({@code recvmmsg}, many datagrams and their meta entries per system call, see {@link NativeUdpSocket}), or a Java
 * {@code DatagramChannel} with a selector, one datagram per call.
 */
public final class UdpReceiver implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(UdpReceiver.class);

  /** How the socket is read. */
  public enum Path {
    /** The native library's {@code recvmmsg} into the batch. */
    NATIVE("native-recvmmsg"),
    /** A Java {@code DatagramChannel}, one datagram per call. */
    JAVA("java-channel");

    private final String label;

    Path(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  // Waiting for the first datagram of a batch: the longest the thread takes to notice close() on the native path
  // (the channel's selector is woken at once).
  private static final int IDLE_WAIT_MILLIS = 100;

  // A batch the socket ran dry on is handed over once it is this old: fewer, fuller hand-overs under load (the pool
  // counts batches, not datagrams), and never more than this much added latency when traffic is light.
  private static final long MAX_BATCH_AGE_NANOS = 2_000_000;

  // Before each wait the thread sleeps this long, so that a busy socket is read in runs of tens of datagrams per
  // wake-up (a wake-up costs more than a datagram): at most this much added latency, well within a batch's age, and
  // the receive buffer holds far more than this long's datagrams ...
  private static final int LINGER_MICROS = 1000;
  // ... unless the last run was this long already: then the socket is read again at once.
  private static final int LINGER_UNTIL_RUN = 256;

  private final Source source;
  private final BatchPool pool;
  private final IngestCounters counters;
  private final Consumer<DatagramBatch> handOff;
  private final Thread thread;
  private volatile boolean running = true;

  private UdpReceiver(Source source, BatchPool pool, IngestCounters counters, Consumer<DatagramBatch> handOff) {
    this.source = source;
    this.pool = pool;
    this.counters = counters;
    this.handOff = handOff;
    this.thread = Thread.ofPlatform().name("flowagg-netflow-receiver").daemon().unstarted(this::run);
  }

  /** Binds the socket, read the way {@code path} says, and starts receiving. */
  public static UdpReceiver start(
      Path path, String host, int port, int receiveBufferBytes, BatchPool pool, IngestCounters counters,
      ExporterAllowList allowList, Consumer<DatagramBatch> handOff) throws IOException {
    Source source =
        switch (path) {
          case NATIVE -> NativeSource.open(host, port, receiveBufferBytes, counters, allowList);
          case JAVA -> ChannelSource.open(host, port, receiveBufferBytes, counters, allowList);
        };
    UdpReceiver receiver = new UdpReceiver(source, pool, counters, handOff);
    int granted = source.receiveBufferBytes();
    log.debug("NetFlow/IPFIX listener on udp {} (receive buffer {} bytes; read with {})",
        source.localAddress(), granted, path.label());
    if (granted < receiveBufferBytes) {
      log.warn("the NetFlow socket's receive buffer is {} bytes, less than the {} asked: bursts may be dropped by the"
          + " OS; raise net.core.rmem_max (sysctl -w net.core.rmem_max={})", granted, receiveBufferBytes,
          receiveBufferBytes);
    }
    receiver.thread.start();
    return receiver;
  }

  public int port() {
    return source.port();
  }

  public Path path() {
    return source.path();
  }

  /**
   * Whether a batch the socket ran dry on goes to the decoder now. Not while the decoder is behind (most batches
   * busy): the batch is filled up instead, so that a stalled decoder (a large delivery being cut) has the whole pool's
   * datagrams of room rather than the pool's count of 2 ms batches.
   */
  private boolean handOverOld(long batchStarted) {
    return System.nanoTime() - batchStarted >= MAX_BATCH_AGE_NANOS && !pool.low();
  }

  private void run() {
    DatagramBatch batch = null;
    long batchStarted = 0;
    int run = 0; // datagrams taken off the socket since the last wait
    try {
      while (running) {
        try {
          source.await(batch == null ? IDLE_WAIT_MILLIS : 1, run < LINGER_UNTIL_RUN ? LINGER_MICROS : 0);
          run = 0;
          while (running) {
            if (batch == null) {
              batch = pool.take();
              batchStarted = System.nanoTime();
            }
            if (batch == null) {
              // Every batch is busy: drain the socket into the void and count, so the OS buffer doesn't hide it.
              int drained = source.discard();
              if (drained == 0) {
                break;
              }
              run += drained;
              counters.datagramsReceived.addAndGet(drained);
              counters.datagramsDroppedBusy.addAndGet(drained);
              continue;
            }
            int received = source.receive(batch);
            if (received == 0) {
              break;
            }
            run += received;
            if (!batch.hasRoom()) {
              handOff.accept(batch);
              batch = null;
            }
          }
          if (batch != null && (batch.count() == 0 || handOverOld(batchStarted))) {
            if (batch.count() > 0) {
              handOff.accept(batch);
            } else {
              pool.release(batch);
            }
            batch = null;
          }
        } catch (ClosedChannelException e) {
          break;
        } catch (IOException | RuntimeException e) {
          counters.receiveErrors.incrementAndGet();
          log.warn("NetFlow receive failed: {}", e.toString());
        }
      }
      // Datagrams already counted as received are handed over, not dropped, when the receiver stops.
      if (batch != null && batch.count() > 0) {
        handOff.accept(batch);
      } else if (batch != null) {
        pool.release(batch);
      }
    } finally {
      // The socket is closed by the thread that reads it, once it no longer does (a native descriptor must not be
      // closed under a call in progress).
      source.close();
    }
  }

  /** Stops receiving and closes the socket; returns once the receive thread ended (or after 2 s). */
  @Override
  public void close() {
    running = false;
    source.wakeup();
    try {
      thread.join(2000);
      if (thread.isAlive()) {
        log.warn("the NetFlow receive thread did not stop within 2 s; its socket closes when it does");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One way of reading the socket; used by the receive thread alone, except {@link #wakeup()}. */
  private sealed interface Source permits NativeSource, ChannelSource {

    Path path();

    int port();

    InetSocketAddress localAddress();

    int receiveBufferBytes();

    /**
     * Sleeps {@code lingerMicros} (0: not at all), then waits up to {@code millis} for a datagram; {@link #wakeup()}
     * cuts the wait short where the source can.
     */
    void await(int millis, int lingerMicros) throws IOException;

    /**
     * Receives what waits into {@code batch} while it has room (counting datagrams received, refused by the
     * allow-list and too long); returns the datagrams taken off the socket, 0 when it is dry.
     */
    int receive(DatagramBatch batch) throws IOException;

    /** Takes what waits off the socket without keeping it; returns how many, 0 when dry. */
    int discard() throws IOException;

    /** Cuts a wait short where the source can (any thread). */
    void wakeup();

    void close();
  }

  /** The native library's batched receive: one {@code recvmmsg} takes up to 64 datagrams into the batch. */
  private static final class NativeSource implements Source {

    // Every UDP payload fits a slot, so no datagram the Java path takes is dropped as too long here.
    private static final int SLOT_BYTES = DatagramBatch.MAX_DATAGRAM;

    private final NativeUdpSocket socket;
    private final IngestCounters counters;
    private final ExporterAllowList allowList;

    private NativeSource(NativeUdpSocket socket, IngestCounters counters, ExporterAllowList allowList) {
      this.socket = socket;
      this.counters = counters;
      this.allowList = allowList;
    }

    static NativeSource open(
        String host, int port, int receiveBufferBytes, IngestCounters counters, ExporterAllowList allowList)
        throws IOException {
      return new NativeSource(
          NativeUdpSocket.open(InetAddress.getByName(host), port, receiveBufferBytes), counters, allowList);
    }

    @Override
    public Path path() {
      return Path.NATIVE;
    }

    @Override
    public int port() {
      return socket.port();
    }

    @Override
    public InetSocketAddress localAddress() {
      return socket.localAddress();
    }

    @Override
    public int receiveBufferBytes() {
      return socket.receiveBufferBytes();
    }

    @Override
    public void await(int millis, int lingerMicros) throws IOException {
      socket.await(millis, lingerMicros);
    }

    @Override
    public int receive(DatagramBatch batch) throws IOException {
      int before = batch.count();
      NativeUdpSocket.Received r = socket.receive(batch, NativeUdpSocket.MAX_DATAGRAMS_PER_CALL, SLOT_BYTES);
      if (r.datagrams() == 0) {
        return 0;
      }
      counters.datagramsReceived.addAndGet(r.datagrams());
      if (r.oversize() > 0) {
        counters.datagramsDroppedOversize.addAndGet(r.oversize());
      }
      if (!allowList.admitsAll()) {
        // From the end, so that a run of refused datagrams at the end gives its bytes back to the batch.
        for (int i = batch.count() - 1; i >= before; i--) {
          IpAddress source = batch.exporter(i);
          if (!allowList.admits(source)) {
            counters.droppedNotAllowed.count(source);
            batch.remove(i);
          }
        }
      }
      return r.datagrams();
    }

    @Override
    public int discard() throws IOException {
      return socket.discard(NativeUdpSocket.MAX_DATAGRAMS_PER_CALL);
    }

    @Override
    public void wakeup() {
      // The wait is short (IDLE_WAIT_MILLIS): the thread sees the stop flag when it ends.
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  /** A non-blocking {@code DatagramChannel} and a selector: one {@code receive} per datagram. */
  private static final class ChannelSource implements Source {

    private final DatagramChannel channel;
    private final Selector selector;
    private final IngestCounters counters;
    private final ExporterAllowList allowList;
    private final int port;
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(DatagramBatch.MAX_DATAGRAM);

    private ChannelSource(
        DatagramChannel channel, Selector selector, IngestCounters counters, ExporterAllowList allowList)
        throws IOException {
      this.channel = channel;
      this.selector = selector;
      this.counters = counters;
      this.allowList = allowList;
      this.port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    static ChannelSource open(
        String host, int port, int receiveBufferBytes, IngestCounters counters, ExporterAllowList allowList)
        throws IOException {
      DatagramChannel channel = DatagramChannel.open();
      try {
        channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
        channel.bind(new InetSocketAddress(host, port));
        channel.configureBlocking(false);
        Selector selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        return new ChannelSource(channel, selector, counters, allowList);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }

    @Override
    public Path path() {
      return Path.JAVA;
    }

    @Override
    public int port() {
      return port;
    }

    @Override
    public InetSocketAddress localAddress() {
      try {
        return (InetSocketAddress) channel.getLocalAddress();
      } catch (IOException e) {
        return null;
      }
    }

    @Override
    public int receiveBufferBytes() {
      try {
        return channel.getOption(StandardSocketOptions.SO_RCVBUF);
      } catch (IOException e) {
        return -1;
      }
    }

    @Override
    public void await(int millis, int lingerMicros) throws IOException {
      if (lingerMicros > 0) {
        LockSupport.parkNanos(lingerMicros * 1000L);
      }
      selector.select(millis);
      selector.selectedKeys().clear();
    }

    @Override
    public int receive(DatagramBatch batch) throws IOException {
      ByteBuffer target = batch.receiveBuffer();
      InetSocketAddress from = (InetSocketAddress) channel.receive(target);
      if (from == null) {
        return 0;
      }
      counters.datagramsReceived.incrementAndGet();
      IpAddress source = IpAddress.of(from.getAddress().getAddress());
      if (!allowList.admits(source)) {
        // Not committed: the next datagram is received over it.
        counters.droppedNotAllowed.count(source);
        return 1;
      }
      batch.commit(target.position(), source, System.currentTimeMillis());
      return 1;
    }

    @Override
    public int discard() throws IOException {
      scratch.clear();
      return channel.receive(scratch) == null ? 0 : 1;
    }

    @Override
    public void wakeup() {
      selector.wakeup();
    }

    @Override
    public void close() {
      try {
        channel.close();
        selector.close();
      } catch (IOException e) {
        log.debug("closing the NetFlow socket: {}", e.toString());
      }
    }
  }
}
