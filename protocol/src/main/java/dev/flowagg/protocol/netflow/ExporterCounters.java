package dev.flowagg.protocol.netflow;

import dev.flowagg.protocol.net.IpAddress;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** One exporter's counters for each version, written by the decoding thread and readable from any thread. */
final class ExporterCounters {

  /** What is counted besides errors; {@link #SETS_WAITING} is a gauge that a reset leaves alone. */
  enum Counter {
    DATAGRAMS, DATAGRAM_BYTES, FLOWS, OPTIONS_RECORDS, TEMPLATES, TEMPLATES_WITHDRAWN, TEMPLATES_EXPIRED,
    SETS_QUEUED, SETS_DECODED_LATE, SETS_WAITING
  }

  /** Versions in slot order; 0 stands for datagrams whose version is unknown or unreadable. */
  private static final int[] VERSIONS = {0, 5, 9, 10};
  private static final int COUNTERS = Counter.values().length;
  private static final DecodeError[] ERRORS = DecodeError.values();
  private static final int WIDTH = COUNTERS + ERRORS.length;

  private final IpAddress exporter;
  private final AtomicLongArray values = new AtomicLongArray(VERSIONS.length * WIDTH);

  ExporterCounters(IpAddress exporter) {
    this.exporter = exporter;
  }

  void add(int version, Counter counter, long delta) {
    if (delta != 0) {
      values.getAndAdd(slot(version) * WIDTH + counter.ordinal(), delta);
    }
  }

  void error(int version, DecodeError error) {
    values.getAndIncrement(slot(version) * WIDTH + COUNTERS + error.ordinal());
  }

  /** Snapshots of the versions this exporter has used; with {@code reset}, counters (not the gauge) restart at 0. */
  void snapshotInto(List<ExporterStats> out, boolean reset) {
    for (int v = 0; v < VERSIONS.length; v++) {
      long[] read = new long[WIDTH];
      boolean used = false;
      for (int i = 0; i < WIDTH; i++) {
        int index = v * WIDTH + i;
        read[i] = reset && i != Counter.SETS_WAITING.ordinal() ? values.getAndSet(index, 0) : values.get(index);
        used |= read[i] != 0;
      }
      if (used) {
        out.add(toStats(VERSIONS[v], read));
      }
    }
  }

  private ExporterStats toStats(int version, long[] read) {
    Map<DecodeError, Long> errors = new EnumMap<>(DecodeError.class);
    for (DecodeError e : ERRORS) {
      long n = read[COUNTERS + e.ordinal()];
      if (n != 0) {
        errors.put(e, n);
      }
    }
    return new ExporterStats(exporter, version,
        read[Counter.DATAGRAMS.ordinal()], read[Counter.DATAGRAM_BYTES.ordinal()], read[Counter.FLOWS.ordinal()],
        read[Counter.OPTIONS_RECORDS.ordinal()], read[Counter.TEMPLATES.ordinal()],
        read[Counter.TEMPLATES_WITHDRAWN.ordinal()], read[Counter.TEMPLATES_EXPIRED.ordinal()],
        read[Counter.SETS_QUEUED.ordinal()], read[Counter.SETS_DECODED_LATE.ordinal()],
        read[Counter.SETS_WAITING.ordinal()], errors);
  }

  private static int slot(int version) {
    return switch (version) {
      case 5 -> 1;
      case 9 -> 2;
      case 10 -> 3;
      default -> 0;
    };
  }
}
