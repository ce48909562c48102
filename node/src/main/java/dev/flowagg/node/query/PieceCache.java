package dev.flowagg.node.query;

import dev.flowagg.node.aggregate.FlowSlice;
import dev.flowagg.node.storage.SliceUpdate;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recently read rows of the read model, one piece per (hour or day, slice), as plain arrays sorted by tuple number.
 * A query asks the tables which pieces changed since and reads only those: a question over the last day finds the
 * other 23 hours here. Least recently used pieces go first once the memory bound is reached.
 *
 * <p>An hour's piece also says through which slice event it is exact ({@code through}: the slice's stored sequence
 * number, read in the same statement as the rows). The slices this node hosts hand every update they commit to
 * {@link #stored} too, which adds its rows to the cached pieces of the hours it touched, so that the current hour,
 * changed by every delivery, is not read again for each query. For that, the cache follows each slice's events:
 * while they come one after the other (a <em>run</em>), a piece exact through the run's last event stays exact
 * through each next one it is not touched by. A gap (the slice stored events elsewhere, in a cluster, or skipped
 * some in recovery) starts a new run, and older pieces count again only through their own event.
 */
final class PieceCache {

  /** Which rows a piece holds. */
  record Key(boolean day, long bucket, int slice) {}

  /**
   * One piece: tuple numbers within the slice (ascending) and their totals. {@code seq}: the change the query that
   * read it planned for; {@code through} (hours): the slice event it is exact through; {@code run}: the run it keeps
   * up with, or -1. Immutable once made.
   */
  record Piece(long seq, long through, long run, int[] local, long[] tx, long[] rx, int size) {
    long bytes() {
      return 64 + (long) local.length * 20;
    }

    Piece withRun(long r) {
      return new Piece(seq, through, r, local, tx, rx, size);
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

    /** The piece, its rows in tuple-number order (a database may hand them over in any order). */
    Piece build(long seq, long through, long run) {
      boolean sorted = true;
      for (int i = 1; i < size && sorted; i++) {
        sorted = local[i - 1] < local[i];
      }
      if (!sorted) {
        sortByLocal();
      }
      return new Piece(seq, through, run, Arrays.copyOf(local, size), Arrays.copyOf(tx, size), Arrays.copyOf(rx, size),
          size);
    }

    private void sortByLocal() {
      long[] order = new long[size];
      for (int i = 0; i < size; i++) {
        order[i] = ((long) local[i] << 32) | i;
      }
      Arrays.sort(order);
      int[] l = new int[size];
      long[] t = new long[size];
      long[] r = new long[size];
      for (int i = 0; i < size; i++) {
        int from = (int) order[i];
        l[i] = local[from];
        t[i] = tx[from];
        r[i] = rx[from];
      }
      local = l;
      tx = t;
      rx = r;
    }
  }

  private final long budgetBytes;
  private final LinkedHashMap<Key, Piece> pieces = new LinkedHashMap<>(1024, 0.75f, true);
  private long bytes;
  private long hits;
  private long loads;
  private long added;
  /** Per slice: the current run's number (-1: none yet) and its last event. */
  private final long[] run = new long[FlowSlice.SLICES];
  private final long[] runLast = new long[FlowSlice.SLICES];
  private long runs;

  PieceCache(long budgetBytes) {
    this.budgetBytes = budgetBytes;
    Arrays.fill(run, -1);
  }

  /** The piece, if it holds at least what the change {@code seq} left (an hour's piece may hold later events too). */
  synchronized Piece get(Key key, long seq) {
    Piece p = pieces.get(key);
    if (p != null && (p.seq() == seq || (!key.day() && exactThrough(key.slice(), p) >= seq))) {
      hits++;
      return p;
    }
    return null;
  }

  private long exactThrough(int slice, Piece p) {
    return p.run() >= 0 && p.run() == run[slice] ? runLast[slice] : p.through();
  }

  private void put(Key key, Piece piece) {
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

  private void remove(Key key) {
    Piece old = pieces.remove(key);
    if (old != null) {
      bytes -= old.bytes();
    }
  }

  /** Keeps a piece just read, unless the cache has a newer one of the same hour. */
  private synchronized void putRead(Key key, Piece piece, int slice) {
    loads++;
    if (key.day()) {
      put(key, piece);
      return;
    }
    Piece current = pieces.get(key);
    if (current != null && exactThrough(slice, current) > piece.through()) {
      return;
    }
    put(key, run[slice] >= 0 && piece.through() == runLast[slice] ? piece.withRun(run[slice]) : piece);
  }

  /**
   * Reads the pieces of one bucket for the slices whose cached copy is stale, in one statement, and returns them
   * (the cache keeps them too, but may let go of them at once when over its budget).
   */
  Map<Key, Piece> load(ReadTables tables, boolean day, long bucket, Map<Integer, Long> staleSeqs)
      throws SQLException {
    Map<Key, Piece> loaded = new HashMap<>();
    if (staleSeqs.isEmpty()) {
      return loaded;
    }
    int lo = staleSeqs.keySet().stream().min(Integer::compare).orElseThrow();
    int hi = staleSeqs.keySet().stream().max(Integer::compare).orElseThrow() + 1;
    Builder[] builders = new Builder[hi - lo];
    long[] through = new long[hi - lo];
    ReadTables.RowSink rows = (slice, local, tx, rx) -> {
      if (staleSeqs.containsKey(slice)) {
        Builder b = builders[slice - lo];
        if (b == null) {
          b = builders[slice - lo] = new Builder();
        }
        b.add(local, tx, rx);
      }
    };
    tables.rows(day, bucket, lo, hi, rows, (slice, seq) -> through[slice - lo] = seq);
    for (Map.Entry<Integer, Long> e : staleSeqs.entrySet()) {
      int slice = e.getKey();
      Builder b = builders[slice - lo];
      long exact = day ? -1 : through[slice - lo];
      Key key = new Key(day, bucket, slice);
      Piece piece = b == null
          ? new Piece(e.getValue(), exact, -1, new int[0], new long[0], new long[0], 0)
          : b.build(e.getValue(), exact, -1);
      putRead(key, piece, slice);
      loaded.put(key, piece);
    }
    return loaded;
  }

  private static final Builder NOT_CACHED = new Builder();

  /** Adds an update a slice of this node has just committed to the pieces of the hours it touched. */
  synchronized void stored(SliceUpdate u, long hourCutoff) {
    int slice = u.slice();
    long e = u.seq();
    // Per hour of the update: a builder of its rows when that hour's piece is cached, else NOT_CACHED.
    Map<Long, Builder> byHour = new HashMap<>();
    for (int i = 0; i < u.rowCount(); i++) {
      long hour = u.rowHour(i);
      Builder b = hour < hourCutoff ? NOT_CACHED
          : byHour.computeIfAbsent(hour, h -> pieces.containsKey(new Key(false, h, slice)) ? new Builder() : NOT_CACHED);
      if (b != NOT_CACHED) {
        // A tuple id is its slice in the high bits and its number in the low 32 (FlowTables.tupleId).
        b.add((int) u.rowTuple(i), u.rowTx(i), u.rowRx(i));
      }
    }
    Map<Key, Piece> updated = new HashMap<>();
    for (Map.Entry<Long, Builder> h : byHour.entrySet()) {
      if (h.getValue() == NOT_CACHED) {
        continue;
      }
      Key key = new Key(false, h.getKey(), slice);
      Piece p = pieces.get(key);
      if (exactThrough(slice, p) == e - 1) {
        updated.put(key, merge(p, h.getValue().build(0, e, -1), e));
      } else if (p.through() < e) {
        remove(key); // it missed events of its hour: read again when next asked for
      }
    }
    if (run[slice] >= 0 && e == runLast[slice] + 1) {
      runLast[slice] = e;
    } else {
      run[slice] = runs++;
      runLast[slice] = e;
    }
    for (Map.Entry<Key, Piece> p : updated.entrySet()) {
      put(p.getKey(), p.getValue().withRun(run[slice]));
      added++;
    }
  }

  /** {@code p} with the rows of {@code d} (both in tuple-number order) added, exact through {@code through}. */
  private static Piece merge(Piece p, Piece d, long through) {
    int n = p.size() + d.size();
    int[] l = new int[n];
    long[] t = new long[n];
    long[] r = new long[n];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < p.size() || j < d.size()) {
      boolean fromP = j == d.size() || (i < p.size() && p.local()[i] <= d.local()[j]);
      boolean fromD = i == p.size() || (j < d.size() && d.local()[j] <= p.local()[i]);
      l[k] = fromP ? p.local()[i] : d.local()[j];
      t[k] = (fromP ? p.tx()[i] : 0) + (fromD ? d.tx()[j] : 0);
      r[k] = (fromP ? p.rx()[i] : 0) + (fromD ? d.rx()[j] : 0);
      k++;
      i += fromP ? 1 : 0;
      j += fromD ? 1 : 0;
    }
    return new Piece(p.seq(), through, -1, Arrays.copyOf(l, k), Arrays.copyOf(t, k), Arrays.copyOf(r, k), k);
  }

  synchronized String stats() {
    return pieces.size() + " pieces, " + bytes / 1_000_000 + " MB, " + hits + " hits, " + loads + " loads, " + added
        + " updated as written";
  }

  synchronized long loads() {
    return loads;
  }
}
