package dev.flowagg.protocol.classify;

import dev.flowagg.protocol.net.IpAddress;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * A longest-prefix-match map from address prefixes to values: a binary trie per address family, kept in flat
 * arrays so that a lookup walks at most 32 (IPv4) or 128 (IPv6) array cells and allocates nothing.
 *
 * <p>Filled with {@link #put} while it is being built, then only read; reading is safe from many threads once the
 * map has been published safely (for example through a final field).
 */
public final class PrefixMap<V> {

  private final Trie v4 = new Trie();
  private final Trie v6 = new Trie();
  private int size;

  /** Maps {@code prefix} to {@code value}; returns the value it replaced, or null. */
  public V put(Prefix prefix, V value) {
    if (value == null) {
      throw new IllegalArgumentException("a prefix maps to a value, not null");
    }
    Trie trie = prefix.isV4() ? v4 : v6;
    int offset = prefix.isV4() ? Prefix.V4_OFFSET : 0;
    int node = 0;
    for (int i = 0; i < prefix.length(); i++) {
      node = trie.childOrNew(node, prefix.network().bit(offset + i));
    }
    @SuppressWarnings("unchecked")
    V previous = (V) trie.values[node];
    trie.values[node] = value;
    if (previous == null) {
      size++;
    }
    return previous;
  }

  /** The value of the longest prefix that contains {@code address}, or null when none does. */
  public V longestMatch(IpAddress address) {
    boolean isV4 = address.isV4();
    Trie trie = isV4 ? v4 : v6;
    int offset = isV4 ? Prefix.V4_OFFSET : 0;
    int depth = isV4 ? 32 : 128;
    Object best = trie.values[0];
    int node = 0;
    for (int i = 0; i < depth; i++) {
      node = address.bit(offset + i) == 0 ? trie.zero[node] : trie.one[node];
      if (node == 0) {
        break;
      }
      if (trie.values[node] != null) {
        best = trie.values[node];
      }
    }
    @SuppressWarnings("unchecked")
    V value = (V) best;
    return value;
  }

  /** Hands every prefix that holds a value, with its value, to {@code action}; IPv4 first, shorter prefixes first on a path. */
  public void forEach(BiConsumer<Prefix, ? super V> action) {
    v4.visit(0, 0L, 0L, 0, Prefix.V4_OFFSET, true, action);
    v6.visit(0, 0L, 0L, 0, 0, false, action);
  }

  /** How many prefixes hold a value. */
  public int size() {
    return size;
  }

  /** Nodes in flat arrays; node 0 is the root, and child index 0 means "no child" since the root is nobody's child. */
  private static final class Trie {
    int[] zero = new int[16];
    int[] one = new int[16];
    Object[] values = new Object[16];
    int nodes = 1;

    @SuppressWarnings("unchecked")
    <V> void visit(int node, long high, long low, int depth, int offset, boolean isV4,
        BiConsumer<Prefix, ? super V> action) {
      if (values[node] != null) {
        IpAddress network = isV4 ? IpAddress.ofV4((int) low) : new IpAddress(high, low);
        action.accept(new Prefix(network, depth), (V) values[node]);
      }
      int bitIndex = offset + depth;
      if (zero[node] != 0) {
        visit(zero[node], high, low, depth + 1, offset, isV4, action);
      }
      if (one[node] != 0) {
        long h = bitIndex < 64 ? high | 1L << (63 - bitIndex) : high;
        long l = bitIndex >= 64 ? low | 1L << (127 - bitIndex) : low;
        visit(one[node], h, l, depth + 1, offset, isV4, action);
      }
    }

    int childOrNew(int node, int bit) {
      int[] children = bit == 0 ? zero : one;
      if (children[node] != 0) {
        return children[node];
      }
      if (nodes == zero.length) {
        zero = Arrays.copyOf(zero, nodes * 2);
        one = Arrays.copyOf(one, nodes * 2);
        values = Arrays.copyOf(values, nodes * 2);
      }
      int child = nodes++;
      (bit == 0 ? zero : one)[node] = child;
      return child;
    }
  }
}
