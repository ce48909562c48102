package dev.flowagg.nativeagg;

import java.util.Arrays;

/**
 * The Java twin's pre-aggregation table, laid out and hashed exactly like the Rust kernel's: open addressing with
 * linear probing over 10-long slots {@code [vpc hi, vpc lo, src hi, src lo, dst hi, dst lo, hour, flags, tx, rx]}.
 */
final class AggregateTable {

  static final int WORDS = 10;
  static final long USED = 1L << 63;
  static final long VPC_IS_INDEX = 1;
  static final long SRC_IS_INDEX = 2;
  static final long DST_IS_INDEX = 4;
  private static final long K = 0x9E37_79B9_7F4A_7C15L;

  private long[] slots;
  private int mask;
  private int size;

  AggregateTable(int initialSlots) {
    int n = Math.max(16, Integer.highestOneBit(Math.max(1, initialSlots - 1)) << 1);
    slots = new long[n * WORDS];
    mask = n - 1;
  }

  int size() {
    return size;
  }

  /** Adds bytes to the entry of the key {@code k0..k7}; {@code k7} carries {@link #USED}. */
  void add(long k0, long k1, long k2, long k3, long k4, long k5, long k6, long k7, long tx, long rx) {
    if ((size + 1) * 2 > mask + 1) {
      grow();
    }
    long[] s = slots;
    int i = (int) hash(k0, k1, k2, k3, k4, k5, k6, k7) & mask;
    while (true) {
      int b = i * WORDS;
      if (s[b + 7] == 0) {
        s[b] = k0;
        s[b + 1] = k1;
        s[b + 2] = k2;
        s[b + 3] = k3;
        s[b + 4] = k4;
        s[b + 5] = k5;
        s[b + 6] = k6;
        s[b + 7] = k7;
        s[b + 8] = saturatingAdd(0, tx);
        s[b + 9] = saturatingAdd(0, rx);
        size++;
        return;
      }
      if (s[b] == k0 && s[b + 1] == k1 && s[b + 2] == k2 && s[b + 3] == k3 && s[b + 4] == k4 && s[b + 5] == k5
          && s[b + 6] == k6 && s[b + 7] == k7) {
        s[b + 8] = saturatingAdd(s[b + 8], tx);
        s[b + 9] = saturatingAdd(s[b + 9], rx);
        return;
      }
      i = (i + 1) & mask;
    }
  }

  /** Hands every used slot to {@code visitor} (the array and the slot's first index), then empties the table. */
  void drain(SlotVisitor visitor) {
    long[] s = slots;
    for (int b = 0; b < s.length; b += WORDS) {
      if (s[b + 7] != 0) {
        visitor.visit(s, b);
      }
    }
    if (size > 0) {
      Arrays.fill(s, 0);
    }
    size = 0;
  }

  /** Receives one slot of a drained table. */
  @FunctionalInterface
  interface SlotVisitor {
    void visit(long[] slots, int base);
  }

  /** Adds like the Rust kernel: a sum that goes negative becomes {@code Long.MAX_VALUE}. */
  static long saturatingAdd(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }

  static long hash(long k0, long k1, long k2, long k3, long k4, long k5, long k6, long k7) {
    long h = 0;
    h = (Long.rotateLeft(h, 5) ^ k0) * K;
    h = (Long.rotateLeft(h, 5) ^ k1) * K;
    h = (Long.rotateLeft(h, 5) ^ k2) * K;
    h = (Long.rotateLeft(h, 5) ^ k3) * K;
    h = (Long.rotateLeft(h, 5) ^ k4) * K;
    h = (Long.rotateLeft(h, 5) ^ k5) * K;
    h = (Long.rotateLeft(h, 5) ^ k6) * K;
    h = (Long.rotateLeft(h, 5) ^ k7) * K;
    return h ^ (h >>> 29);
  }

  private void grow() {
    long[] old = slots;
    int n = (mask + 1) * 2;
    long[] s = new long[n * WORDS];
    int m = n - 1;
    for (int b = 0; b < old.length; b += WORDS) {
      if (old[b + 7] != 0) {
        int i = (int) hash(old[b], old[b + 1], old[b + 2], old[b + 3], old[b + 4], old[b + 5], old[b + 6],
            old[b + 7]) & m;
        while (s[i * WORDS + 7] != 0) {
          i = (i + 1) & m;
        }
        System.arraycopy(old, b, s, i * WORDS, WORDS);
      }
    }
    slots = s;
    mask = m;
  }
}
