package dev.flowagg.nativeagg;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.DecodeError;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.ExporterStats;
import dev.flowagg.protocol.netflow.SamplingMode;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link FlowKernel} in Rust, called through the FFM API: one downcall decodes, classifies and aggregates a whole
 * {@link DatagramBatch}, reading its segments in place. Calls are serialised by a lock so that {@link #stats()} may
 * be read from other threads.
 */
public final class NativeFlowKernel implements FlowKernel {

  private static final int COUNTERS = 10;
  private static final int[] VERSIONS = {0, 5, 9, 10};
  private static final DecodeError[] ERRORS = DecodeError.values();
  private static final int WIDTH = COUNTERS + ERRORS.length;
  private static final int STATS_WORDS = 2 + VERSIONS.length * WIDTH;
  private static final int DRAIN_ROWS = 4096;
  private static final Comparator<ExporterStats> ORDER =
      Comparator.comparing(ExporterStats::exporter).thenComparingInt(ExporterStats::version);

  private final ClassificationTables tables;
  private final RowNames names;
  /** The drain buffer's memory, freed on close. */
  private final Arena arena = Arena.ofShared();
  // The per-call result words are GC-managed: a downcall passing a shared arena's segment acquires and releases that
  // arena each time (about 17 ns an empty call together with the batch's two segments, measured), an automatic
  // arena's segment costs nothing to pass and cannot be freed while still reachable.
  private final MemorySegment result = Arena.ofAuto().allocate(ValueLayout.JAVA_LONG, 2);
  private final MemorySegment rows;
  private final CallTimer timer = new CallTimer(Kind.NATIVE);
  private final ReentrantLock lock = new ReentrantLock();
  private MemorySegment context;
  /** Rows drained out of a full native table mid-batch, merged by name until the next {@link #drain}. */
  private RowNames.Totals spilled;

  /** A kernel whose native table holds up to a few million entries before it spills to the Java heap. */
  public NativeFlowKernel(DecoderSettings settings, ClassificationRules rules) {
    this(settings, new ClassificationTables(rules), 1 << 22);
  }

  NativeFlowKernel(DecoderSettings settings, ClassificationTables tables, long maxEntries) {
    checkLayout();
    this.tables = tables;
    this.names = new RowNames(tables);
    this.rows = arena.allocate(ValueLayout.JAVA_LONG, (long) DRAIN_ROWS * AggregateTable.WORDS);
    try (Arena scratch = Arena.ofConfined()) {
      MemorySegment s = scratch.allocateFrom(ValueLayout.JAVA_LONG,
          settings.samplingMode() == SamplingMode.APPLY ? 1 : 0, settings.templateLifetime().toMillis(),
          settings.maxTemplatesPerExporter(), settings.maxFieldsPerTemplate(), settings.maxPendingSetsPerExporter(),
          settings.maxPendingBytesPerExporter(), settings.maxPendingAge().toMillis());
      MemorySegment apps = words(scratch, tables.appPrefixes);
      MemorySegment vpcs = words(scratch, tables.vpcPrefixes);
      MemorySegment ports = words(scratch, tables.servicePortWords);
      context = (MemorySegment) NativeCalls.CREATE.invokeExact(s, apps, tables.appPrefixes.length / 4, vpcs,
          tables.vpcPrefixes.length / 4, ports, 1024, maxEntries);
    } catch (Throwable t) {
      arena.close();
      throw new IllegalStateException("the native kernel could not create a context", t);
    }
    if (context.equals(MemorySegment.NULL)) {
      arena.close();
      throw new IllegalStateException("the native kernel refused to create a context");
    }
  }

  @Override
  public Kind kind() {
    return Kind.NATIVE;
  }

  @Override
  public long process(DatagramBatch batch) {
    long started = System.nanoTime();
    long flows = 0;
    lock.lock();
    try {
      MemorySegment ctx = open();
      int start = 0;
      while (true) {
        int status = (int) NativeCalls.PROCESS.invokeExact(ctx, batch.data(), batch.data().byteSize(), batch.meta(),
            batch.count(), start, result);
        flows += result.getAtIndex(ValueLayout.JAVA_LONG, 1);
        if (status == NativeCalls.STATUS_DONE) {
          break;
        }
        if (status != NativeCalls.STATUS_TABLE_FULL) {
          throw new IllegalStateException("the native kernel failed with code " + status);
        }
        if (spilled == null) {
          spilled = new RowNames.Totals();
        }
        drainNative(spilled);
        start = (int) result.getAtIndex(ValueLayout.JAVA_LONG, 0);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    } finally {
      lock.unlock();
    }
    timer.record(System.nanoTime() - started, batch.count(), flows);
    return flows;
  }

  @Override
  public void drain(AggregateSink out) {
    lock.lock();
    try {
      if (spilled == null && !names.mustMerge()) {
        drainNative(out);
        return;
      }
      RowNames.Totals totals = spilled != null ? spilled : new RowNames.Totals();
      spilled = null;
      drainNative(totals);
      totals.flushTo(out);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public DrainedRows drainRows() {
    lock.lock();
    try {
      RowNames.Totals spilledByName = spilled;
      spilled = null;
      long pending = (long) NativeCalls.PENDING.invokeExact(open());
      DrainedRows out = new DrainedRows(names, (int) pending, spilledByName);
      drainNative((chunk, rows) -> {
        for (int r = 0; r < rows; r++) {
          out.add(chunk, r * AggregateTable.WORDS);
        }
      });
      return out;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    } finally {
      lock.unlock();
    }
  }

  /** Receives a chunk of drained rows: {@code rows} slots of {@link AggregateTable#WORDS} words. */
  @FunctionalInterface
  private interface ChunkSink {
    void accept(long[] chunk, int rows);
  }

  private void drainNative(AggregateSink out) {
    drainNative((chunk, rows) -> {
      for (int r = 0; r < rows; r++) {
        names.emit(chunk, r * AggregateTable.WORDS, out);
      }
    });
  }

  private void drainNative(ChunkSink out) {
    MemorySegment ctx = open();
    long[] chunk = new long[DRAIN_ROWS * AggregateTable.WORDS];
    while (true) {
      long n;
      try {
        n = (long) NativeCalls.DRAIN.invokeExact(ctx, rows, DRAIN_ROWS);
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
      if (n < 0) {
        throw new IllegalStateException("the native kernel failed to drain with code " + n);
      }
      if (n == 0) {
        return;
      }
      MemorySegment.copy(rows, ValueLayout.JAVA_LONG, 0, chunk, 0, (int) n * AggregateTable.WORDS);
      out.accept(chunk, (int) n);
    }
  }

  @Override
  public int pendingEntries() {
    lock.lock();
    try {
      long n = (long) NativeCalls.PENDING.invokeExact(open());
      return (int) n + (spilled == null ? 0 : spilled.size());
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<ExporterStats> stats() {
    lock.lock();
    try (Arena scratch = Arena.ofConfined()) {
      MemorySegment ctx = open();
      int count = (int) (long) NativeCalls.STATS_COUNT.invokeExact(ctx);
      MemorySegment out = scratch.allocate(ValueLayout.JAVA_LONG, Math.max(1L, (long) count * STATS_WORDS));
      int read = (int) (long) NativeCalls.STATS_READ.invokeExact(ctx, out, count);
      long[] words = out.toArray(ValueLayout.JAVA_LONG);
      List<ExporterStats> stats = new ArrayList<>();
      for (int e = 0; e < read; e++) {
        int base = e * STATS_WORDS;
        IpAddress exporter = new IpAddress(words[base], words[base + 1]);
        for (int v = 0; v < VERSIONS.length; v++) {
          addIfUsed(stats, exporter, VERSIONS[v], words, base + 2 + v * WIDTH);
        }
      }
      stats.sort(ORDER);
      return stats;
    } catch (Throwable t) {
      throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
    } finally {
      lock.unlock();
    }
  }

  private static void addIfUsed(List<ExporterStats> out, IpAddress exporter, int version, long[] w, int at) {
    boolean used = false;
    for (int i = 0; i < WIDTH; i++) {
      used |= w[at + i] != 0;
    }
    if (!used) {
      return;
    }
    Map<DecodeError, Long> errors = new EnumMap<>(DecodeError.class);
    for (DecodeError e : ERRORS) {
      long n = w[at + COUNTERS + e.ordinal()];
      if (n != 0) {
        errors.put(e, n);
      }
    }
    out.add(new ExporterStats(exporter, version, w[at], w[at + 1], w[at + 2], w[at + 3], w[at + 4], w[at + 5],
        w[at + 6], w[at + 7], w[at + 8], w[at + 9], errors));
  }

  @Override
  public KernelTimings timings() {
    return timer.snapshot();
  }

  @Override
  public void expire(long nowMillis) {
    lock.lock();
    try {
      int status = (int) NativeCalls.EXPIRE.invokeExact(open(), nowMillis);
      if (status != NativeCalls.STATUS_DONE) {
        throw new IllegalStateException("the native kernel failed to expire with code " + status);
      }
    } catch (Throwable t) {
      throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (context != null) {
        NativeCalls.FREE.invokeExact(context);
        context = null;
        arena.close();
      }
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    } finally {
      lock.unlock();
    }
  }

  private MemorySegment open() {
    if (context == null) {
      throw new IllegalStateException("the kernel is closed");
    }
    return context;
  }

  private static MemorySegment words(Arena arena, long[] values) {
    return values.length == 0 ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_LONG, values);
  }

  /** Fails when the library was built against other counter, error or row layouts than this binding. */
  private static void checkLayout() {
    long[] expected = {COUNTERS, ERRORS.length, AggregateTable.WORDS, DatagramBatch.META_BYTES, STATS_WORDS};
    for (int i = 0; i < expected.length; i++) {
      long actual = NativeCalls.layout(i);
      if (actual != expected[i]) {
        throw new IllegalStateException("the native kernel's layout constant " + i + " is " + actual + ", expected "
            + expected[i] + ": library and binding were built from different sources");
      }
    }
  }
}
