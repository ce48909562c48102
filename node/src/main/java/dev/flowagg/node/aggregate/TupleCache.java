package dev.flowagg.node.aggregate;

import dev.flowagg.node.storage.FlowTables;
import java.util.HashMap;
import java.util.Map;

/**
 * A slice's memory of its recently active tuples: each one's number within the slice, its newest hour and its exact
 * totals in that hour. The slice is the only writer of its tuples' rows, so these totals stay exact; they let it
 * refuse an overflow and choose insert or update without asking the database. Not event-sourced: it is rebuilt from
 * the tables after recovery, and tuples quiet for a while are forgotten (and looked up again when they return).
 *
 * <p>Beside it, a fingerprint (64-bit hash of the names) of every tuple the slice has numbered: a tuple that is
 * neither remembered nor fingerprinted is new for certain, and needs no lookup; 12 bytes per tuple.
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
  private long[] fingerprints = new long[1024];
  private int fingerprinted;

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
    fingerprints = new long[1024];
    fingerprinted = 0;
  }

  /** Notes that the slice numbered a tuple with these names. */
  void fingerprint(String srcApp, String destApp, String vpcId) {
    long f = fingerprintOf(srcApp, destApp, vpcId);
    if ((fingerprinted + 1) * 3 > fingerprints.length * 2) {
      long[] old = fingerprints;
      fingerprints = new long[old.length * 2];
      fingerprinted = 0;
      for (long o : old) {
        if (o != 0) {
          insert(o);
        }
      }
    }
    insert(f);
  }

  /** False when the slice has certainly never numbered a tuple of these names. */
  boolean mayKnow(FlowKey key) {
    long f = fingerprintOf(key.srcApp(), key.destApp(), key.vpcId());
    int mask = fingerprints.length - 1;
    for (int i = (int) (f ^ (f >>> 32)) & mask; fingerprints[i] != 0; i = (i + 1) & mask) {
      if (fingerprints[i] == f) {
        return true;
      }
    }
    return false;
  }

  private void insert(long f) {
    int mask = fingerprints.length - 1;
    int i = (int) (f ^ (f >>> 32)) & mask;
    while (fingerprints[i] != 0) {
      if (fingerprints[i] == f) {
        return;
      }
      i = (i + 1) & mask;
    }
    fingerprints[i] = f;
    fingerprinted++;
  }

  /** A 64-bit hash of the names, never 0 (the empty slot). */
  static long fingerprintOf(String srcApp, String destApp, String vpcId) {
    long h = 0x9E37_79B9_7F4A_7C15L;
    for (String part : new String[] {srcApp, destApp, vpcId}) {
      h = (h ^ part.length()) * 0xC2B2_AE3D_27D4_EB4FL;
      for (int i = 0; i < part.length(); i++) {
        h = Long.rotateLeft(h ^ part.charAt(i), 31) * 0x1656_67B1_9E37_79F9L;
      }
    }
    h ^= h >>> 33;
    return h == 0 ? 1 : h;
  }
}
