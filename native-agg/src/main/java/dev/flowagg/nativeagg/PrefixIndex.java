package dev.flowagg.nativeagg;

import java.util.Arrays;

/** A longest-prefix-match trie from address bits to rule indexes in flat int arrays, laid out like the Rust kernel's. */
final class PrefixIndex {

  private int[] zero = new int[16];
  private int[] one = new int[16];
  private int[] values = filled(16);
  private int nodes = 1;

  /** Maps the {@code length} leading bits of the 128-bit value {@code (high, low)} to {@code index}. */
  void put(long high, long low, int length, int index) {
    int node = 0;
    for (int i = 0; i < length; i++) {
      int bit = bitAt(high, low, i);
      int child = bit == 0 ? zero[node] : one[node];
      if (child == 0) {
        child = newNode();
        (bit == 0 ? zero : one)[node] = child;
      }
      node = child;
    }
    values[node] = index;
  }

  /** The index of the longest prefix containing the {@code depth} leading bits, or -1. */
  int longestMatch(long high, long low, int depth) {
    int best = values[0];
    int node = 0;
    for (int i = 0; i < depth; i++) {
      node = bitAt(high, low, i) == 0 ? zero[node] : one[node];
      if (node == 0) {
        break;
      }
      if (values[node] >= 0) {
        best = values[node];
      }
    }
    return best;
  }

  private static int bitAt(long high, long low, int i) {
    return i < 64 ? (int) (high >>> (63 - i)) & 1 : (int) (low >>> (127 - i)) & 1;
  }

  private int newNode() {
    if (nodes == zero.length) {
      zero = Arrays.copyOf(zero, nodes * 2);
      one = Arrays.copyOf(one, nodes * 2);
      int old = values.length;
      values = Arrays.copyOf(values, nodes * 2);
      Arrays.fill(values, old, values.length, -1);
    }
    return nodes++;
  }

  private static int[] filled(int n) {
    int[] a = new int[n];
    Arrays.fill(a, -1);
    return a;
  }
}
