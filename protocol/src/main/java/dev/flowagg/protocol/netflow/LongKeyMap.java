package dev.flowagg.protocol.netflow;

import java.util.function.Predicate;

/** A hash map from primitive long keys, so that looking up a template or domain allocates nothing (open addressing, linear probing). */
final class LongKeyMap<V> {

  private long[] keys;
  private Object[] values;
  private int size;

  LongKeyMap() {
    keys = new long[16];
    values = new Object[16];
  }

  @SuppressWarnings("unchecked")
  V get(long key) {
    int mask = keys.length - 1;
    for (int i = indexOf(key, mask); ; i = (i + 1) & mask) {
      Object v = values[i];
      if (v == null || keys[i] == key) {
        return (V) v;
      }
    }
  }

  /** Stores the value and returns the previous one, or {@code null}. */
  @SuppressWarnings("unchecked")
  V put(long key, V value) {
    if (value == null) {
      throw new IllegalArgumentException("null values mark empty slots");
    }
    if (2 * (size + 1) > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    for (int i = indexOf(key, mask); ; i = (i + 1) & mask) {
      if (values[i] == null) {
        keys[i] = key;
        values[i] = value;
        size++;
        return null;
      }
      if (keys[i] == key) {
        V old = (V) values[i];
        values[i] = value;
        return old;
      }
    }
  }

  @SuppressWarnings("unchecked")
  V remove(long key) {
    int mask = keys.length - 1;
    for (int i = indexOf(key, mask); values[i] != null; i = (i + 1) & mask) {
      if (keys[i] == key) {
        V old = (V) values[i];
        deleteAt(i);
        return old;
      }
    }
    return null;
  }

  /** Removes the entries the predicate selects; returns how many. */
  @SuppressWarnings("unchecked")
  int removeIf(KeyValuePredicate<V> predicate) {
    int removed = 0;
    for (int i = 0; i < keys.length; ) {
      // Deleting shifts a later entry into slot i, so look at slot i again.
      if (values[i] != null && predicate.test(keys[i], (V) values[i])) {
        deleteAt(i);
        removed++;
      } else {
        i++;
      }
    }
    return removed;
  }

  int removeValuesIf(Predicate<V> predicate) {
    return removeIf((k, v) -> predicate.test(v));
  }

  int size() {
    return size;
  }

  /** Tests one entry. */
  @FunctionalInterface
  interface KeyValuePredicate<V> {
    boolean test(long key, V value);
  }

  /** Backward-shift deletion: moves later entries of the probe run into the hole so lookups never stop early. */
  private void deleteAt(int hole) {
    int mask = keys.length - 1;
    int i = hole;
    while (true) {
      i = (i + 1) & mask;
      if (values[i] == null) {
        break;
      }
      int home = indexOf(keys[i], mask);
      // Move the entry at i into the hole unless its home lies cyclically in (hole, i].
      boolean homeBetween = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
      if (!homeBetween) {
        keys[hole] = keys[i];
        values[hole] = values[i];
        hole = i;
      }
    }
    values[hole] = null;
    size--;
  }

  private void grow() {
    long[] oldKeys = keys;
    Object[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new Object[oldValues.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldValues[j] != null) {
        int i = indexOf(oldKeys[j], mask);
        while (values[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        values[i] = oldValues[j];
      }
    }
  }

  private static int indexOf(long key, int mask) {
    long h = key * 0x9E37_79B9_7F4A_7C15L;
    return (int) (h ^ h >>> 32) & mask;
  }
}
