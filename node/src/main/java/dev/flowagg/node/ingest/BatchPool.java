package dev.flowagg.node.ingest;

import dev.flowagg.nativeagg.DatagramBatch;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The fixed set of off-heap receive batches. The receiver takes a free one, the ingest actor gives it back once
 * processed; when none is free the receiver drops datagrams (and counts them) instead of allocating: memory is
 * bounded by construction.
 */
public final class BatchPool implements AutoCloseable {

  private final BlockingQueue<DatagramBatch> free;
  private final int batches;

  public BatchPool(int batches, int datagramsPerBatch, int bytesPerBatch) {
    this.batches = batches;
    free = new ArrayBlockingQueue<>(batches);
    for (int i = 0; i < batches; i++) {
      free.add(new DatagramBatch(datagramsPerBatch, Math.max(bytesPerBatch, DatagramBatch.MAX_DATAGRAM)));
    }
  }

  /** A free, empty batch, or null when all are busy. */
  public DatagramBatch take() {
    return free.poll();
  }

  public void release(DatagramBatch batch) {
    batch.clear();
    free.offer(batch);
  }

  public int freeBatches() {
    return free.size();
  }

  /** Fewer than a quarter of the batches are free: the decoder is behind, so batches should be filled up. */
  public boolean low() {
    return free.size() < batches / 4;
  }

  @Override
  public void close() {
    free.forEach(DatagramBatch::close);
  }
}
