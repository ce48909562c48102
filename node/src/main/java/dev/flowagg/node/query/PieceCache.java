package dev.flowagg.node.query;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Recently read rows of the read model, one piece per (hour or day, slice), as plain arrays, each marked with the
 * slice event that last changed it. A query asks the tables which pieces changed since and reads only those: a
 * question over the last day re-reads the current hour and finds the other 23 here. Least recently used pieces go
 * first once the memory bound is reached.
 */
final class PieceCache {

  /** Which rows a piece holds. */
  record Key(boolean day, long bucket, int slice) {}

  /** One piece: tuple numbers within the slice, and their totals. Immutable once made. */
  record Piece(long seq, int[] local, long[] tx, long[] rx, int size) {
    static final Piece EMPTY = new Piece(0, new int[0], new long[0], new long[0], 0);

    long bytes() {
      return 64 + (long) local.length * 20;
    }
  }

  /** Makes pieces while rows are read. */
  static final class Builder {
    int[] local = new int[256];
    long[] tx = new long[256];
    long[] rx = new long[256];
    int size;

    void add(int l, long t, long r) {
      if (size == local.length) {
        local = Arrays.copyOf(local, size * 2);
        tx = Arrays.copyOf(tx, size * 2);
        rx = Arrays.copyOf(rx, size * 2);
      }
      local[size] = l;
      tx[size] = t;
      rx[size] = r;
      size++;
    }

    Piece build(long seq) {
      return new Piece(seq, Arrays.copyOf(local, size), Arrays.copyOf(tx, size), Arrays.copyOf(rx, size), size);
    }
  }

  private final long budgetBytes;
  private final LinkedHashMap<Key, Piece> pieces = new LinkedHashMap<>(1024, 0.75f, true);
  private long bytes;
  private long hits;
  private long loads;

  PieceCache(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  /** The piece if cached at exactly {@code seq}; else null. */
  synchronized Piece get(Key key, long seq) {
    Piece p = pieces.get(key);
    if (p != null && p.seq() == seq) {
      hits++;
      return p;
    }
    return null;
  }

  synchronized void put(Key key, Piece piece) {
    loads++;
    Piece old = pieces.put(key, piece);
    if (old != null) {
      bytes -= old.bytes();
    }
    bytes += piece.bytes();
    var it = pieces.entrySet().iterator();
    while (bytes > budgetBytes && it.hasNext()) {
      Map.Entry<Key, Piece> e = it.next();
      if (e.getKey().equals(key)) {
        continue;
      }
      bytes -= e.getValue().bytes();
      it.remove();
    }
  }

  /** Loads the pieces of one bucket for the slices whose cached copy is stale, in one read. */
  Map<Key, Piece> load(ReadTables tables, boolean day, long bucket, Map<Integer, Long> staleSeqs)
      throws SQLException {
    Map<Key, Piece> loaded = new HashMap<>();
    if (staleSeqs.isEmpty()) {
      return loaded;
    }
    int lo = staleSeqs.keySet().stream().min(Integer::compare).orElseThrow();
    int hi = staleSeqs.keySet().stream().max(Integer::compare).orElseThrow() + 1;
    Builder[] builders = new Builder[hi - lo];
    tables.rows(day, bucket, lo, hi, (slice, local, tx, rx) -> {
      if (staleSeqs.containsKey(slice)) {
        Builder b = builders[slice - lo];
        if (b == null) {
          b = builders[slice - lo] = new Builder();
        }
        b.add(local, tx, rx);
      }
    });
    for (Map.Entry<Integer, Long> e : staleSeqs.entrySet()) {
      Builder b = builders[e.getKey() - lo];
      Key key = new Key(day, bucket, e.getKey());
      Piece piece = b == null ? new Piece(e.getValue(), new int[0], new long[0], new long[0], 0) : b.build(e.getValue());
      put(key, piece);
      loaded.put(key, piece);
    }
    return loaded;
  }

  synchronized String stats() {
    return pieces.size() + " pieces, " + bytes / 1_000_000 + " MB, " + hits + " hits, " + loads + " loads";
  }
}
