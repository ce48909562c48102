package dev.flowagg.nativeagg;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns table rows (ids: rule indexes or addresses) into the names an {@link AggregateSink} receives, and merges
 * rows whose names coincide, so both kernels drain identical {@code (srcApp, destApp, vpcId, hour)} sums.
 */
final class RowNames {

  private final ClassificationTables tables;

  RowNames(ClassificationTables tables) {
    this.tables = tables;
  }

  /** True when two different rows can carry the same names, so rows must pass through {@link Totals}. */
  boolean mustMerge() {
    return tables.namesMayCollide;
  }

  /** Hands the row at {@code s[b..b+10)} to the sink under its names. */
  void emit(long[] s, int b, AggregateSink sink) {
    long flags = s[b + 7];
    String vpc = tables.nameOf(s[b], s[b + 1], (flags & AggregateTable.VPC_IS_INDEX) != 0, tables.vpcNames);
    String src = tables.nameOf(s[b + 2], s[b + 3], (flags & AggregateTable.SRC_IS_INDEX) != 0, tables.appNames);
    String dst = tables.nameOf(s[b + 4], s[b + 5], (flags & AggregateTable.DST_IS_INDEX) != 0, tables.appNames);
    sink.accept(src, dst, vpc, s[b + 6], s[b + 8], s[b + 9]);
  }

  /** Sums by name, for rows that must be merged before they reach the caller's sink. */
  static final class Totals implements AggregateSink {

    private record TupleHour(String srcApp, String destApp, String vpcId, long hour) {}

    private final Map<TupleHour, long[]> sums = new HashMap<>();

    @Override
    public void accept(String srcApp, String destApp, String vpcId, long hour, long bytesTx, long bytesRx) {
      long[] s = sums.computeIfAbsent(new TupleHour(srcApp, destApp, vpcId, hour), k -> new long[2]);
      s[0] = AggregateTable.saturatingAdd(s[0], bytesTx);
      s[1] = AggregateTable.saturatingAdd(s[1], bytesRx);
    }

    int size() {
      return sums.size();
    }

    void flushTo(AggregateSink sink) {
      sums.forEach((k, v) -> sink.accept(k.srcApp(), k.destApp(), k.vpcId(), k.hour(), v[0], v[1]));
      sums.clear();
    }
  }
}
