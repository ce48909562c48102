package dev.flowagg.nativeagg;

import java.util.Arrays;

/**
 * What a kernel's table held when it was drained, not yet named: its rows as copied slots (ids and addresses, as
 * the table keeps them), and rows a full native table already spilled by name. Naming costs far more than
 * draining, so a caller drains on the decoding thread and emits on another: {@link #emit} reads only immutable
 * classification tables, and may run on any thread, once.
 */
public final class DrainedRows {

  private final RowNames names;
  private long[] slots;
  private int rows;
  private final RowNames.Totals spilled;

  DrainedRows(RowNames names, int expectedRows, RowNames.Totals spilled) {
    this.names = names;
    this.slots = new long[Math.max(16, expectedRows) * AggregateTable.WORDS];
    this.spilled = spilled;
  }

  /** Rows drained (those already spilled by name included). */
  public int size() {
    return rows + (spilled == null ? 0 : spilled.size());
  }

  /** Copies slot {@code base} of {@code from}. */
  void add(long[] from, int base) {
    if ((rows + 1) * AggregateTable.WORDS > slots.length) {
      slots = Arrays.copyOf(slots, slots.length * 2);
    }
    System.arraycopy(from, base, slots, rows * AggregateTable.WORDS, AggregateTable.WORDS);
    rows++;
  }

  /** Hands every row to the sink under its names, rows with the same names merged as the kernels merge them. */
  public void emit(AggregateSink sink) {
    if (spilled == null && !names.mustMerge()) {
      for (int r = 0; r < rows; r++) {
        names.emit(slots, r * AggregateTable.WORDS, sink);
      }
      return;
    }
    RowNames.Totals totals = spilled != null ? spilled : new RowNames.Totals();
    for (int r = 0; r < rows; r++) {
      names.emit(slots, r * AggregateTable.WORDS, totals);
    }
    totals.flushTo(sink);
  }
}
