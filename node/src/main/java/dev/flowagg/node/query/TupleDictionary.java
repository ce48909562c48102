package dev.flowagg.node.query;

import dev.flowagg.node.aggregate.FlowSlice;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The names of the tuples, as queries need them: per slice, each tuple's three names as numbers into one table of
 * distinct names (a name shared by many tuples is kept once). Names of a tuple never change and its number is never
 * reused, so the dictionary only ever grows by what the tables add; it starts afresh once a day to let go of
 * tuples the retention deleted. Readers use the arrays published by the last refresh without locking.
 */
final class TupleDictionary {

  /** One slice's tuples: name numbers by tuple number ({@code -1}: unknown), for numbers below {@code size}. */
  record SliceNames(int[] src, int[] dst, int[] vpc, int size) {
    static final SliceNames EMPTY = new SliceNames(new int[0], new int[0], new int[0], 0);
  }

  private volatile SliceNames[] slices = emptySlices();
  private volatile String[] names = new String[1024];
  private final Map<String, Integer> numbers = new HashMap<>();
  private int nameCount;
  private long startedDay = Long.MIN_VALUE;

  private static SliceNames[] emptySlices() {
    SliceNames[] s = new SliceNames[FlowSlice.SLICES];
    Arrays.fill(s, SliceNames.EMPTY);
    return s;
  }

  SliceNames slice(int slice) {
    return slices[slice];
  }

  String name(int number) {
    return names[number];
  }

  /** The names of every distinct name number so far (index = number). */
  String[] names() {
    return names;
  }

  int nameCount() {
    return nameCount;
  }

  /** Loads what the tables added since the last refresh (everything again on a new day). */
  synchronized void refresh(ReadTables tables, long today) throws SQLException {
    if (today != startedDay) {
      slices = emptySlices();
      names = new String[1024];
      numbers.clear();
      nameCount = 0;
      startedDay = today;
    }
    SliceNames[] next = slices.clone();
    for (int s = 0; s < next.length; s++) {
      SliceNames current = next[s];
      int[][] grown = {current.src(), current.dst(), current.vpc()};
      int[] size = {current.size()};
      tables.tuples(s, current.size(), (slice, local, src, dst, vpc) -> {
        if (local >= grown[0].length) {
          int n = Math.max(local + 1, Math.max(16, grown[0].length * 2));
          for (int k = 0; k < 3; k++) {
            int old = grown[k].length;
            grown[k] = Arrays.copyOf(grown[k], n);
            Arrays.fill(grown[k], old, n, -1);
          }
        }
        // Numbers at or above the published size are not read by anyone yet: written in place.
        grown[0][local] = number(src);
        grown[1][local] = number(dst);
        grown[2][local] = number(vpc);
        size[0] = Math.max(size[0], local + 1);
      });
      if (size[0] != current.size()) {
        next[s] = new SliceNames(grown[0], grown[1], grown[2], size[0]);
      }
    }
    slices = next;
  }

  private int number(String name) {
    Integer n = numbers.get(name);
    if (n != null) {
      return n;
    }
    if (nameCount == names.length) {
      names = Arrays.copyOf(names, names.length * 2);
    }
    String[] table = names;
    table[nameCount] = name;
    numbers.put(name, nameCount);
    names = table;
    return nameCount++;
  }
}
