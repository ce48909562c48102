package dev.flowagg.nativeagg;

import dev.flowagg.protocol.netflow.ExporterStats;
import java.util.List;

/**
 * The hot loop of NetFlow ingest: decode a batch of datagrams, classify each flow into {@code (src_app, dest_app,
 * vpc_id)} (client side first, by service port), and add its bytes to a table keyed by tuple and hour.
 *
 * <p>Two implementations behave identically, counters included: {@link JavaFlowKernel} and a native one. Not
 * thread-safe: one kernel per ingest actor; {@link #stats()} may be read from other threads.
 */
public interface FlowKernel extends AutoCloseable {

  /** Which implementation this is. */
  enum Kind {
    JAVA,
    NATIVE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  Kind kind();

  /** Decodes every datagram of the batch and adds its flows to the table; returns the number of flows. */
  long process(DatagramBatch batch);

  /** Hands every {@code (tuple, hour)} gathered since the last drain to the sink, then empties the table. */
  void drain(AggregateSink sink);

  /**
   * Empties the table into rows not yet named (quick: a copy); {@link DrainedRows#emit} names them later, on any
   * thread, exactly as {@link #drain} would have. By default the rows are named at once.
   */
  default DrainedRows drainRows() {
    RowNames.Totals named = new RowNames.Totals();
    drain(named);
    return new DrainedRows(null, 0, named);
  }

  /** Distinct {@code (tuple, hour)} entries waiting to be drained. */
  int pendingEntries();

  /** Decoder counters per exporter and version, cumulative. */
  List<ExporterStats> stats();

  /** Latency of {@link #process} calls so far; safe to read from any thread. */
  KernelTimings timings();

  /** Drops expired templates and waiting data; call now and then. */
  void expire(long nowMillis);

  @Override
  void close();
}
