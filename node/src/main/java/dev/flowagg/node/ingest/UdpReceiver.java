package dev.flowagg.node.ingest;

import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.protocol.net.IpAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NetFlow socket: one platform thread receives datagrams straight into off-heap batches and hands each full
 * batch — or whatever arrived when the socket runs dry — to the ingest side. Never blocks on the ingest side.
 */
public final class UdpReceiver implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(UdpReceiver.class);

  private final DatagramChannel channel;
  private final Selector selector;
  private final BatchPool pool;
  private final IngestCounters counters;
  private final ExporterAllowList allowList;
  private final Consumer<DatagramBatch> handOff;
  private final Thread thread;
  private volatile boolean running = true;

  private UdpReceiver(
      DatagramChannel channel, Selector selector, BatchPool pool, IngestCounters counters,
      ExporterAllowList allowList, Consumer<DatagramBatch> handOff) {
    this.channel = channel;
    this.selector = selector;
    this.pool = pool;
    this.counters = counters;
    this.allowList = allowList;
    this.handOff = handOff;
    this.thread = Thread.ofPlatform().name("flowagg-netflow-receiver").daemon().unstarted(this::run);
  }

  /** Binds the socket and starts receiving. */
  public static UdpReceiver start(
      String host, int port, int receiveBufferBytes, BatchPool pool, IngestCounters counters,
      ExporterAllowList allowList, Consumer<DatagramBatch> handOff) throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
    channel.bind(new InetSocketAddress(host, port));
    channel.configureBlocking(false);
    Selector selector = Selector.open();
    channel.register(selector, SelectionKey.OP_READ);
    UdpReceiver receiver = new UdpReceiver(channel, selector, pool, counters, allowList, handOff);
    int granted = channel.getOption(StandardSocketOptions.SO_RCVBUF);
    log.info(
        "NetFlow/IPFIX listener on udp {} (receive buffer {} bytes{})",
        channel.getLocalAddress(),
        granted,
        granted < receiveBufferBytes ? ", less than the " + receiveBufferBytes + " asked: raise net.core.rmem_max" : "");
    receiver.thread.start();
    return receiver;
  }

  public int port() {
    try {
      return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    } catch (IOException e) {
      return -1;
    }
  }

  // A batch the socket ran dry on is handed over once it is this old: fewer, fuller hand-overs under load (the pool
  // counts batches, not datagrams), and never more than this much added latency when traffic is light.
  private static final long MAX_BATCH_AGE_NANOS = 2_000_000;

  private void run() {
    ByteBuffer scratch = ByteBuffer.allocateDirect(DatagramBatch.MAX_DATAGRAM);
    DatagramBatch batch = null;
    long batchStarted = 0;
    while (running) {
      try {
        selector.select(batch == null ? 200 : 1);
        selector.selectedKeys().clear();
        while (running) {
          if (batch == null) {
            batch = pool.take();
            batchStarted = System.nanoTime();
          }
          if (batch == null) {
            // Every batch is busy: drain the socket into the void and count, so the OS buffer doesn't hide it.
            scratch.clear();
            if (channel.receive(scratch) == null) {
              break;
            }
            counters.datagramsReceived.incrementAndGet();
            counters.datagramsDroppedBusy.incrementAndGet();
            continue;
          }
          ByteBuffer target = batch.receiveBuffer();
          InetSocketAddress from = (InetSocketAddress) channel.receive(target);
          if (from == null) {
            break;
          }
          counters.datagramsReceived.incrementAndGet();
          IpAddress source = IpAddress.of(from.getAddress().getAddress());
          if (!allowList.admits(source)) {
            // Not committed: the next datagram is received over it.
            counters.droppedNotAllowed.count(source);
            continue;
          }
          batch.commit(target.position(), source, System.currentTimeMillis());
          if (!batch.hasRoom()) {
            handOff.accept(batch);
            batch = null;
          }
        }
        if (batch != null && (batch.count() == 0 || System.nanoTime() - batchStarted >= MAX_BATCH_AGE_NANOS)) {
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
  }

  @Override
  public void close() {
    running = false;
    try {
      selector.wakeup();
      thread.join(2000);
      channel.close();
      selector.close();
    } catch (IOException e) {
      log.debug("closing the NetFlow socket: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
