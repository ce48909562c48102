package dev.flowagg.node.storage;

import java.util.Arrays;

/**
 * One slice event as the flow tables take it: the tuples it names for the first time, its rows (merged per tuple and
 * hour), and the tuples whose newest hour moved forward. {@link FlowTables#apply} stores it once, in one transaction.
 */
public final class SliceUpdate {

  final int slice;
  final long seq;
  int named;
  long[] namedIds = new long[8];
  String[][] namedNames = new String[8][];
  long[] namedLastHour = new long[8];
  int rows;
  long[] rowTuple = new long[64];
  long[] rowHour = new long[64];
  long[] rowTx = new long[64];
  long[] rowRx = new long[64];
  /** The row cannot exist yet (the tuple is new, or the hour is after the tuple's newest): an insert suffices. */
  boolean[] rowFresh = new boolean[64];
  int bumps;
  long[] bumpIds = new long[8];
  long[] bumpHours = new long[8];

  public SliceUpdate(int slice, long seq) {
    this.slice = slice;
    this.seq = seq;
  }

  public int slice() {
    return slice;
  }

  public long seq() {
    return seq;
  }

  public int rowCount() {
    return rows;
  }

  public int namedCount() {
    return named;
  }

  /** Row {@code i}: its tuple id, hour and the bytes it adds. */
  public long rowTuple(int i) {
    return rowTuple[i];
  }

  public long rowHour(int i) {
    return rowHour[i];
  }

  public long rowTx(int i) {
    return rowTx[i];
  }

  public long rowRx(int i) {
    return rowRx[i];
  }

  public SliceUpdate name(long tupleId, String srcApp, String destApp, String vpcId, long lastHour) {
    if (named == namedIds.length) {
      int n = named * 2;
      namedIds = Arrays.copyOf(namedIds, n);
      namedNames = Arrays.copyOf(namedNames, n);
      namedLastHour = Arrays.copyOf(namedLastHour, n);
    }
    namedIds[named] = tupleId;
    namedNames[named] = new String[] {srcApp, destApp, vpcId};
    namedLastHour[named] = lastHour;
    named++;
    return this;
  }

  public SliceUpdate row(long tupleId, long hour, long bytesTx, long bytesRx, boolean fresh) {
    if (rows == rowTuple.length) {
      int n = rows * 2;
      rowTuple = Arrays.copyOf(rowTuple, n);
      rowHour = Arrays.copyOf(rowHour, n);
      rowTx = Arrays.copyOf(rowTx, n);
      rowRx = Arrays.copyOf(rowRx, n);
      rowFresh = Arrays.copyOf(rowFresh, n);
    }
    rowTuple[rows] = tupleId;
    rowHour[rows] = hour;
    rowTx[rows] = bytesTx;
    rowRx[rows] = bytesRx;
    rowFresh[rows] = fresh;
    rows++;
    return this;
  }

  /** The tuple's newest hour is now {@code hour} (later than what the table holds). */
  public SliceUpdate bump(long tupleId, long hour) {
    if (bumps == bumpIds.length) {
      bumpIds = Arrays.copyOf(bumpIds, bumps * 2);
      bumpHours = Arrays.copyOf(bumpHours, bumps * 2);
    }
    bumpIds[bumps] = tupleId;
    bumpHours[bumps] = hour;
    bumps++;
    return this;
  }
}
