package dev.flowagg.node.cli;

import dev.flowagg.protocol.netflow.encode.SyntheticExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Encodes on one thread and sends on the calling one, so that encoding never delays the paced sends: chunks of
 * datagrams pass through a short queue, and each chunk waits for the {@link SendPacer} before it goes out. What has
 * been sent so far is reported at most once per progress interval.
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
  private final BlockingQueue<SyntheticExport.Chunk> queue = new ArrayBlockingQueue<>(512);
  private volatile RuntimeException encoderFailure;

  SendLoop(SyntheticExport export, ExporterSockets sockets, SendPacer pacer, Duration progressEvery, Progress progress) {
    this.export = export;
    this.sockets = sockets;
    this.pacer = pacer;
    this.progressEveryNanos = progressEvery.toNanos();
    this.progress = progress;
  }

  Result run() throws IOException {
    Thread encoder = Thread.ofPlatform().name("send-encoder").daemon().start(this::encodeAll);
    long records = 0;
    long datagrams = 0;
    long refused = 0;
    long nextProgress = progressEveryNanos;
    try {
      for (SyntheticExport.Chunk chunk = take(); chunk != END; chunk = take()) {
        pacer.admit(chunk.records());
        for (byte[] d : chunk.datagrams()) {
          if (!sockets.send(chunk.exporter(), d)) {
            refused++;
          }
        }
        records += chunk.records();
        datagrams += chunk.datagrams().size();
        long elapsed = pacer.elapsedNanos();
        if (elapsed >= nextProgress) {
          progress.sentSoFar(new Result(records, datagrams, refused, elapsed));
          nextProgress = elapsed + progressEveryNanos;
        }
      }
    } finally {
      encoder.interrupt();
    }
    if (encoderFailure != null) {
      throw encoderFailure;
    }
    return new Result(records, datagrams, refused, pacer.elapsedNanos());
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
