package dev.flowagg.node.aggregate;

import java.util.Arrays;

/**
 * The last {@code capacity} unique write ids a slice applied, oldest forgotten first: a ring of 128-bit ids and an
 * open-addressing set over it, about 48 bytes per id. Mutable; owned by one entity.
 */
final class RecentWrites {

  private final int capacity;
  private final long[] ring;
  private int start;
  private int size;
  private long[] table;
  private int tableMask;
  private int tableUsed;

  RecentWrites(int capacity) {
    this.capacity = Math.max(1, capacity);
    this.ring = new long[this.capacity * 2];
    int slots = Integer.highestOneBit(Math.max(16, this.capacity * 2 - 1)) << 1;
    this.table = new long[slots * 2];
    this.tableMask = slots - 1;
  }

  int size() {
    return size;
  }

  int capacity() {
    return capacity;
  }

  boolean contains(long high, long low) {
    int i = slot(high, low);
    while (true) {
      long h = table[i * 2];
      long l = table[i * 2 + 1];
      if (h == 0 && l == 0) {
        return false;
      }
      if (h == high && l == low) {
        return true;
      }
      i = (i + 1) & tableMask;
    }
  }

  void add(long high, long low) {
    if ((high == 0 && low == 0) || contains(high, low)) {
      return;
    }
    if (size == capacity) {
      remove(ring[start * 2], ring[start * 2 + 1]);
      start = (start + 1) % capacity;
      size--;
    }
    int at = (start + size) % capacity;
    ring[at * 2] = high;
    ring[at * 2 + 1] = low;
    size++;
    insert(high, low);
  }

  /** The ids oldest first, two longs each. */
  long[] toArray() {
    long[] out = new long[size * 2];
    for (int k = 0; k < size; k++) {
      int at = (start + k) % capacity;
      out[k * 2] = ring[at * 2];
      out[k * 2 + 1] = ring[at * 2 + 1];
    }
    return out;
  }

  private void insert(long high, long low) {
    int i = slot(high, low);
    while (table[i * 2] != 0 || table[i * 2 + 1] != 0) {
      i = (i + 1) & tableMask;
    }
    table[i * 2] = high;
    table[i * 2 + 1] = low;
    tableUsed++;
  }

  /** Removes by backward-shift deletion, so no tombstones accumulate. */
  private void remove(long high, long low) {
    int i = slot(high, low);
    while (table[i * 2] != high || table[i * 2 + 1] != low) {
      if (table[i * 2] == 0 && table[i * 2 + 1] == 0) {
        return;
      }
      i = (i + 1) & tableMask;
    }
    int hole = i;
    int j = i;
    while (true) {
      j = (j + 1) & tableMask;
      long h = table[j * 2];
      long l = table[j * 2 + 1];
      if (h == 0 && l == 0) {
        break;
      }
      int home = slot(h, l);
      // Move j back into the hole unless its home lies cyclically in (hole, j].
      boolean between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!between) {
        table[hole * 2] = h;
        table[hole * 2 + 1] = l;
        hole = j;
      }
    }
    table[hole * 2] = 0;
    table[hole * 2 + 1] = 0;
    tableUsed--;
  }

  private int slot(long high, long low) {
    long h = (high * 0x9E37_79B9_7F4A_7C15L) ^ low;
    h *= 0xC2B2_AE3D_27D4_EB4FL;
    return (int) (h ^ (h >>> 31)) & tableMask;
  }

  @Override
  public String toString() {
    return "RecentWrites" + Arrays.toString(toArray());
  }
}
