package dev.flowagg.node.aggregate;

import dev.flowagg.node.storage.FlowTables;
import java.util.HashMap;
import java.util.Map;

/**
 * A slice's memory of its recently active tuples: each one's number within the slice, its newest hour and its exact
 * totals in that hour. The slice is the only writer of its tuples' rows, so these totals stay exact; they let it
 * refuse an overflow and choose insert or update without asking the database. Not event-sourced: it is rebuilt from
 * the tables after recovery, and tuples quiet for a while are forgotten (and looked up again when they return).
 */
final class TupleCache {

  /** One tuple: mutable, owned by the slice's actor. */
  static final class Entry {
    final int local;
    long hour;
    long tx;
    long rx;

    Entry(int local, long hour, long tx, long rx) {
      this.local = local;
      this.hour = hour;
      this.tx = tx;
      this.rx = rx;
    }
  }

  private final Map<FlowKey, Entry> entries = new HashMap<>();
  private final Map<Integer, Entry> byNumber = new HashMap<>();

  Entry get(FlowKey key) {
    return entries.get(key);
  }

  Entry byNumber(int local) {
    return byNumber.get(local);
  }

  int size() {
    return entries.size();
  }

  void put(FlowTables.KnownTuple t) {
    put(new FlowKey(t.srcApp(), t.destApp(), t.vpcId()),
        new Entry((int) t.id(), t.lastHour(), t.lastHourTx(), t.lastHourRx()));
  }

  /** A tuple just numbered; its first row sets its hour and totals. */
  Entry add(FlowKey key, int local, long hour) {
    Entry e = new Entry(local, hour, 0, 0);
    put(key, e);
    return e;
  }

  private void put(FlowKey key, Entry e) {
    Entry old = entries.put(key, e);
    if (old != null) {
      byNumber.remove(old.local);
    }
    byNumber.put(e.local, e);
  }

  /** Forgets tuples whose newest hour is before {@code hour}; returns how many. */
  int forgetBefore(long hour) {
    int before = entries.size();
    entries.values().removeIf(e -> e.hour < hour);
    byNumber.values().removeIf(e -> e.hour < hour);
    return before - entries.size();
  }

  void clear() {
    entries.clear();
    byNumber.clear();
  }
}
