package dev.flowagg.node.cli;

import dev.flowagg.protocol.netflow.encode.SyntheticExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Encodes on one thread and sends on the calling one, so that encoding never delays the paced sends: chunks of
 * datagrams pass through a short queue, and each chunk waits for the {@link SendPacer} before it goes out. What has
 * been sent so far is reported at most once per progress interval.
 *
 * <p>With {@code passes} above 1 the encoded stream is kept and sent that many times over, each datagram carrying
 * the sequence number its exporter would give it in that pass ({@link Replay}): a load above what one thread
 * encodes, for the cost of the sends alone.
 */
final class SendLoop {

  /** What a run sent and how long it took. */
  record Result(long records, long datagrams, long refused, long elapsedNanos) {}

  /** Hears what has been sent so far, while the run goes on. */
  interface Progress {
    void sentSoFar(Result soFar);
  }

  /** Marks the end of the stream in the queue. */
  private static final SyntheticExport.Chunk END = new SyntheticExport.Chunk(-1, null, List.of(), 0, 0);

  private final SyntheticExport export;
  private final ExporterSockets sockets;
  private final SendPacer pacer;
  private final long progressEveryNanos;
  private final Progress progress;
  private final int passes;
  private final BlockingQueue<SyntheticExport.Chunk> queue = new ArrayBlockingQueue<>(512);
  private volatile RuntimeException encoderFailure;

  SendLoop(SyntheticExport export, ExporterSockets sockets, SendPacer pacer, Duration progressEvery, Progress progress) {
    this(export, sockets, pacer, progressEvery, progress, 1);
  }

  SendLoop(SyntheticExport export, ExporterSockets sockets, SendPacer pacer, Duration progressEvery, Progress progress,
      int passes) {
    if (passes < 1) {
      throw new IllegalArgumentException("at least one pass");
    }
    this.passes = passes;
    this.export = export;
    this.sockets = sockets;
    this.pacer = pacer;
    this.progressEveryNanos = progressEvery.toNanos();
    this.progress = progress;
  }

  Result run() throws IOException {
    Thread encoder = Thread.ofPlatform().name("send-encoder").daemon().start(this::encodeAll);
    Tally tally = new Tally();
    Replay replay = passes > 1 ? new Replay() : null;
    try {
      for (SyntheticExport.Chunk chunk = take(); chunk != END; chunk = take()) {
        if (replay != null) {
          replay.keep(chunk);
        }
        tally.send(chunk, replay, 0);
      }
    } finally {
      encoder.interrupt();
    }
    if (encoderFailure != null) {
      throw encoderFailure;
    }
    for (int pass = 1; pass < passes; pass++) {
      for (SyntheticExport.Chunk chunk : replay.chunks) {
        tally.send(chunk, replay, pass);
      }
    }
    return tally.result(pacer.elapsedNanos());
  }

  /** What has been sent so far, and when progress is next reported. */
  private final class Tally {
    private long records;
    private long datagrams;
    private long refused;
    private long nextProgress = progressEveryNanos;

    /** Sends one chunk, renumbered for {@code pass} when that is a replay (pass 0 is the first). */
    void send(SyntheticExport.Chunk chunk, Replay replay, int pass) throws IOException {
      pacer.admit(chunk.records());
      for (byte[] d : chunk.datagrams()) {
        if (pass > 0) {
          replay.renumber(chunk.exporter(), d, pass);
        }
        if (!sockets.send(chunk.exporter(), d)) {
          refused++;
        }
      }
      records += chunk.records();
      datagrams += chunk.datagrams().size();
      long elapsed = pacer.elapsedNanos();
      if (elapsed >= nextProgress) {
        progress.sentSoFar(result(elapsed));
        nextProgress = elapsed + progressEveryNanos;
      }
    }

    Result result(long elapsedNanos) {
      return new Result(records, datagrams, refused, elapsedNanos);
    }
  }

  /**
   * The first pass, kept to be sent again. An exporter's sequence number counts what it sent before a datagram:
   * flows in v5, datagrams in v9, data records in IPFIX; in pass {@code p} each datagram's number moves on by
   * {@code p} times what its exporter sent in one pass, as a real exporter's would.
   */
  static final class Replay {
    final List<SyntheticExport.Chunk> chunks = new java.util.ArrayList<>();
    private final java.util.Map<Integer, long[]> perPass = new java.util.HashMap<>();
    /** Each datagram's sequence number in the first pass. */
    private final java.util.IdentityHashMap<byte[], Long> first = new java.util.IdentityHashMap<>();

    void keep(SyntheticExport.Chunk chunk) {
      chunks.add(chunk);
      long[] sent = perPass.computeIfAbsent(chunk.exporter(), k -> new long[2]);
      sent[0] += chunk.datagrams().size();
      sent[1] += chunk.records();
      for (byte[] d : chunk.datagrams()) {
        first.put(d, Integer.toUnsignedLong(ByteBuffer.wrap(d).getInt(sequenceOffset(d))));
      }
    }

    void renumber(int exporter, byte[] d, int pass) {
      long[] sent = perPass.get(exporter);
      long step = version(d) == 9 ? sent[0] : sent[1];
      ByteBuffer.wrap(d).putInt(sequenceOffset(d), (int) (first.get(d) + pass * step));
    }

    private static int version(byte[] d) {
      return ((d[0] & 0xff) << 8) | (d[1] & 0xff);
    }

    private static int sequenceOffset(byte[] d) {
      return switch (version(d)) {
        case 5 -> 16;
        case 9 -> 12;
        case 10 -> 8;
        default -> throw new IllegalStateException("not a NetFlow datagram: version " + version(d));
      };
    }
  }

  private void encodeAll() {
    try {
      while (export.hasNext()) {
        queue.put(export.next());
      }
    } catch (InterruptedException stopped) {
      return;
    } catch (RuntimeException e) {
      encoderFailure = e;
    }
    try {
      queue.put(END);
    } catch (InterruptedException stopped) {
      // the sender has stopped already
    }
  }

  private SyntheticExport.Chunk take() {
    try {
      return queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while sending", e));
    }
  }
}
