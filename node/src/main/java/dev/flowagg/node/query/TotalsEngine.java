package dev.flowagg.node.query;

import dev.flowagg.node.aggregate.FlowKey;
import dev.flowagg.node.aggregate.FlowSlice;
import dev.flowagg.node.settings.RetentionSettings;
import dev.flowagg.node.storage.Database;
import dev.flowagg.node.storage.SliceUpdate;
import dev.flowagg.node.query.TotalsQuery.Bucket;
import dev.flowagg.node.query.TotalsQuery.Dimension;
import dev.flowagg.node.query.TotalsQuery.Order;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.nio.charset.StandardCharsets;

/**
 * Answers {@link TotalsQuery}s from the read model's tables: works out which hourly and daily rows cover the range
 * (daily ones for whole days a slice has rolled up, hourly ones elsewhere), reads what changed since the
 * {@link PieceCache} last saw it, and filters, groups, ranks and buckets the rows in memory, one bucket at a time,
 * so memory follows the number of groups, not rows. Every answer reflects the tables as they were when it started
 * reading: a write that was acknowledged before the query began is in it.
 */
public final class TotalsEngine {

  /** Receives the answer's rows in order; returns false to stop (a page is full). */
  public interface RowSink {
    boolean row(Row row);
  }

  /**
   * One row: its bucket ({@code hour} or {@code day} number, or absent), its group's names (null for a dimension
   * not grouped by, or for the "other" row), and its totals.
   */
  public record Row(
      Bucket bucket, long at, String srcApp, String destApp, String vpcId, boolean other, long bytesTx,
      long bytesRx) {}

  /** How an answer ended: complete, or cut by the page limit with where to go on. */
  public record Outcome(String nextCursor) {}

  /** The query names data the retention no longer keeps, or a cursor that is not this query's. */
  public static final class Refused extends Exception {
    public final String parameter;

    Refused(String parameter, String problem) {
      super(problem);
      this.parameter = parameter;
    }
  }

  private final ReadTables tables;
  private final TupleDictionary dictionary = new TupleDictionary();
  private final PieceCache cache;
  private final RetentionSettings retention;
  private final InstantSource clock;

  public TotalsEngine(Database db, long cacheBytes, RetentionSettings retention, InstantSource clock) {
    this.tables = new ReadTables(db);
    this.cache = new PieceCache(cacheBytes);
    this.retention = retention;
    this.clock = clock;
  }

  /** Adds an update a slice of this node has just committed to the cached hours it touched (FlowTables#onStored). */
  public void stored(SliceUpdate u, long hourCutoff) {
    cache.stored(u, hourCutoff);
  }

  /** How many pieces queries have read from the tables so far (tests: what the cache spared). */
  long piecesRead() {
    return cache.loads();
  }

  /** Refuses a range the retention no longer covers (with the parameter to blame), before any row is read. */
  public void checkRetention(TotalsQuery q) throws Refused {
    long now = clock.millis();
    long firstHour = retention.firstHour(now);
    long firstDay = retention.firstDay(now);
    if (q.fromHour() < firstDay * 24L) {
      throw new Refused("from", "daily totals are kept " + retention.daily().toDays() + " days "
          + "(FLOWAGG_RETENTION_DAILY): from must be at or after " + TotalsQuery.iso(firstDay * 24L));
    }
    if (q.fromHour() < firstHour) {
      boolean wholeDays = q.bucket() != Bucket.HOUR && Math.floorMod(q.fromHour(), 24) == 0;
      long firstWholeDay = Math.floorDiv(firstHour + 23, 24);
      if (!wholeDays || (q.toHour() < firstWholeDay * 24 && Math.floorMod(q.toHour(), 24) != 0)) {
        throw new Refused("from", "hourly totals are kept " + retention.hourly().toDays() + " days "
            + "(FLOWAGG_RETENTION_HOURLY): from must be at or after " + TotalsQuery.iso(firstHour)
            + "; for older data use bucket=day or none, with from and to at midnight UTC");
      }
    }
  }

  /**
   * Every tuple's totals in {@code hour}, in name order (the rows of {@code GET /flows?hour=N}); none for an hour the
   * retention no longer keeps. Blocks while it reads the tables.
   */
  public void hourByTuple(long hour, Consumer<Row> sink) throws SQLException {
    TotalsQuery q = new TotalsQuery(hour, hour + 1, Bucket.HOUR, EnumSet.allOf(Dimension.class),
        TotalsQuery.Filter.NONE, 0, Order.NAMES, TotalsQuery.Format.JSON, Integer.MAX_VALUE, null);
    try {
      run(q, row -> {
        sink.accept(row);
        return true;
      });
    } catch (Refused pastRetention) {
      // deleted by the retention: the hour is empty
    }
  }

  /** Runs the query, handing rows to the sink in order; blocks while it reads the tables. */
  public Outcome run(TotalsQuery q, RowSink sink) throws SQLException, Refused {
    checkRetention(q);
    Cursor start = Cursor.decode(q);
    long fromDay = Math.floorDiv(q.fromHour(), 24);
    long toDay = Math.floorDiv(q.toHour() + 23, 24);
    Map<Long, Long> hourChanges = tables.changes(false, q.fromHour(), q.toHour());
    Map<Long, Long> dayChanges = tables.changes(true, fromDay, toDay);
    long[] rolledUp = tables.rolledUpDays(FlowSlice.SLICES);
    dictionary.refresh(tables, Math.floorDiv(clock.millis(), 86_400_000L));
    List<Plan> buckets = plan(q, hourChanges, dayChanges, rolledUp);
    Groups groups = new Groups(q);

    int[] topGroups = null;
    Totals range = null;
    if (q.top() > 0) {
      range = new Totals();
      for (Plan b : buckets) {
        accumulate(b, groups, range);
      }
      topGroups = range.ranked(groups, q.order(), q.top());
    }
    for (int bi = start.bucket(); bi < buckets.size(); bi++) {
      Plan b = buckets.get(bi);
      Totals totals;
      if (range != null && buckets.size() == 1) {
        totals = range; // one bucket: its totals are the range's, summed already
      } else {
        totals = new Totals();
        accumulate(b, groups, totals);
      }
      List<Row> rows = new ArrayList<>();
      if (topGroups != null) {
        long otherTx = 0;
        long otherRx = 0;
        boolean[] isTop = new boolean[groups.size()];
        for (int g : topGroups) {
          isTop[g] = true;
          rows.add(groups.row(q.bucket(), b.at(), g, totals.tx(g), totals.rx(g)));
        }
        boolean others = false;
        for (int g = 0; g < totals.size(); g++) {
          if (totals.seen(g) && !isTop[g]) {
            otherTx += totals.tx(g);
            otherRx += totals.rx(g);
            others = true;
          }
        }
        if (others) {
          rows.add(new Row(q.bucket(), b.at(), null, null, null, true, otherTx, otherRx));
        }
      } else {
        int[] order = q.order() == Order.NAMES ? totals.byNames(groups) : totals.ranked(groups, q.order(), Integer.MAX_VALUE);
        for (int g : order) {
          rows.add(groups.row(q.bucket(), b.at(), g, totals.tx(g), totals.rx(g)));
        }
      }
      int from = bi == start.bucket() ? start.skip(rows, q.order()) : 0;
      for (int i = from; i < rows.size(); i++) {
        if (!sink.row(rows.get(i))) {
          return new Outcome(Cursor.at(q, bi, i, rows.get(i)));
        }
      }
    }
    return new Outcome(null);
  }

  // ---- planning ------------------------------------------------------------------------------------------------

  /** One piece to read: an hour or a day of one slice, as of the event that last changed it. */
  private record PieceRef(boolean day, long bucket, int slice, long seq) {}

  /** One bucket of the answer and the pieces that make it. */
  private record Plan(long at, List<PieceRef> pieces) {}

  private static List<Plan> plan(
      TotalsQuery q, Map<Long, Long> hourChanges, Map<Long, Long> dayChanges, long[] rolledUp) {
    List<Plan> out = new ArrayList<>();
    if (q.bucket() == Bucket.HOUR) {
      for (long h = q.fromHour(); h < q.toHour(); h++) {
        out.add(new Plan(h, hourPieces(h, hourChanges, slice -> true)));
      }
      return out;
    }
    List<PieceRef> all = new ArrayList<>();
    long fromDay = Math.floorDiv(q.fromHour(), 24);
    long lastDay = Math.floorDiv(q.toHour() - 1, 24);
    for (long d = fromDay; d <= lastDay; d++) {
      List<PieceRef> pieces = new ArrayList<>();
      long start = Math.max(q.fromHour(), d * 24);
      long end = Math.min(q.toHour(), d * 24 + 24);
      if (start == d * 24 && end == d * 24 + 24) {
        final long day = d;
        for (int s = 0; s < FlowSlice.SLICES; s++) {
          if (rolledUp[s] >= day) {
            Long seq = dayChanges.get(day * 64 + s);
            if (seq != null) {
              pieces.add(new PieceRef(true, day, s, seq));
            }
          }
        }
        for (long h = start; h < end; h++) {
          pieces.addAll(hourPieces(h, hourChanges, s -> rolledUp[s] < day));
        }
      } else {
        for (long h = start; h < end; h++) {
          pieces.addAll(hourPieces(h, hourChanges, s -> true));
        }
      }
      if (q.bucket() == Bucket.DAY) {
        out.add(new Plan(d, pieces));
      } else {
        all.addAll(pieces);
      }
    }
    if (q.bucket() == Bucket.NONE) {
      out.add(new Plan(-1, all));
    }
    return out;
  }

  private static List<PieceRef> hourPieces(
      long hour, Map<Long, Long> changes, java.util.function.IntPredicate slices) {
    List<PieceRef> out = new ArrayList<>();
    for (int s = 0; s < FlowSlice.SLICES; s++) {
      Long seq = changes.get(hour * 64 + s);
      if (seq != null && slices.test(s)) {
        out.add(new PieceRef(false, hour, s, seq));
      }
    }
    return out;
  }

  // ---- reading and grouping -------------------------------------------------------------------------------------

  /** Adds every row of the bucket's pieces that passes the filter to its group's totals. */
  private void accumulate(Plan plan, Groups groups, Totals totals) throws SQLException {
    Map<Long, Map<Integer, Long>> staleHours = new HashMap<>();
    Map<Long, Map<Integer, Long>> staleDays = new HashMap<>();
    for (PieceRef p : plan.pieces()) {
      PieceCache.Piece piece = cache.get(new PieceCache.Key(p.day(), p.bucket(), p.slice()), p.seq());
      if (piece != null) {
        add(piece, p.slice(), groups, totals);
      } else {
        (p.day() ? staleDays : staleHours).computeIfAbsent(p.bucket(), b -> new HashMap<>()).put(p.slice(), p.seq());
      }
    }
    // A piece read for this query is summed as read, whatever a concurrent query or the cache's budget does to the
    // cache meanwhile; one hour or day of pieces is held at a time.
    for (var e : staleHours.entrySet()) {
      for (var loaded : cache.load(tables, false, e.getKey(), e.getValue()).entrySet()) {
        add(loaded.getValue(), loaded.getKey().slice(), groups, totals);
      }
    }
    for (var e : staleDays.entrySet()) {
      for (var loaded : cache.load(tables, true, e.getKey(), e.getValue()).entrySet()) {
        add(loaded.getValue(), loaded.getKey().slice(), groups, totals);
      }
    }
  }

  private void add(PieceCache.Piece piece, int slice, Groups groups, Totals totals) {
    TupleDictionary.SliceNames names = dictionary.slice(slice);
    for (int i = 0; i < piece.size(); i++) {
      int g = groups.of(slice, piece.local()[i], names);
      if (g >= 0) {
        totals.add(g, piece.tx()[i], piece.rx()[i]);
      }
    }
  }

  /** The name numbers a group is made of (-1 for a dimension not grouped by). */
  private record GroupIds(int src, int dst, int vpc) {}

  /**
   * The query's groups: each tuple maps (once per query) to the group of its names the query groups by, or to -1
   * when the filter leaves it out.
   */
  private final class Groups {
    private final TotalsQuery q;
    private final boolean[] by = new boolean[3];
    private final Map<GroupIds, Integer> index = new HashMap<>();
    private final List<int[]> names = new ArrayList<>();
    private final int[][] ofTuple = new int[FlowSlice.SLICES][];
    private final byte[][] matches = new byte[3][];

    Groups(TotalsQuery q) {
      this.q = q;
      for (Dimension d : q.groupBy()) {
        by[d.ordinal()] = true;
      }
    }

    int size() {
      return names.size();
    }

    /** The group of tuple {@code local} of {@code slice}, or -1 (filtered out, or no names known yet). */
    int of(int slice, int local, TupleDictionary.SliceNames sliceNames) {
      int[] known = ofTuple[slice];
      if (known == null || local >= known.length) {
        int n = Math.max(local + 1, sliceNames.size());
        int old = known == null ? 0 : known.length;
        known = ofTuple[slice] = known == null ? new int[n] : Arrays.copyOf(known, n);
        Arrays.fill(known, old, n, -2);
      }
      int g = known[local];
      if (g != -2) {
        return g;
      }
      g = -1;
      if (local < sliceNames.size() && sliceNames.src()[local] >= 0) {
        int[] ids = {sliceNames.src()[local], sliceNames.dst()[local], sliceNames.vpc()[local]};
        if (passes(ids) && by[0] && by[1] && by[2]) {
          // Grouped by all three names: a tuple is its own group (names are unique), no lookup needed.
          g = names.size();
          names.add(ids);
        } else if (passes(ids)) {
          GroupIds key = new GroupIds(by[0] ? ids[0] : -1, by[1] ? ids[1] : -1, by[2] ? ids[2] : -1);
          Integer found = index.get(key);
          if (found == null) {
            found = names.size();
            index.put(key, found);
            names.add(new int[] {key.src(), key.dst(), key.vpc()});
          }
          g = found;
        }
      }
      known[local] = g;
      return g;
    }

    private boolean passes(int[] ids) {
      if (q.filter().isEmpty()) {
        return true;
      }
      for (Dimension d : Dimension.values()) {
        int id = ids[d.ordinal()];
        byte[] m = matches[d.ordinal()];
        if (m == null || id >= m.length) {
          m = matches[d.ordinal()] = m == null ? new byte[Math.max(1024, id + 1)] : Arrays.copyOf(m, Math.max(id + 1,
              m.length * 2));
        }
        if (m[id] == 0) {
          m[id] = (byte) (q.filter().matches(d, dictionary.name(id)) ? 1 : 2);
        }
        if (m[id] == 2) {
          return false;
        }
      }
      return true;
    }

    String name(int group, int dimension) {
      int id = names.get(group)[dimension];
      return id < 0 ? null : dictionary.name(id);
    }

    Row row(Bucket bucket, long at, int g, long tx, long rx) {
      return new Row(bucket, at, name(g, 0), name(g, 1), name(g, 2), false, tx, rx);
    }

    Comparator<Integer> byNames() {
      return (a, b) -> {
        for (int d = 0; d < 3; d++) {
          String x = name(a, d);
          String y = name(b, d);
          if (x == null || y == null) {
            continue;
          }
          int c = FlowKey.compareCodePoints(x, y);
          if (c != 0) {
            return c;
          }
        }
        return 0;
      };
    }
  }

  /** Totals per group in one bucket (or over the whole range). */
  private static final class Totals {
    private long[] tx = new long[64];
    private long[] rx = new long[64];
    private boolean[] seen = new boolean[64];
    private int size;

    void add(int g, long t, long r) {
      if (g >= tx.length) {
        int n = Math.max(g + 1, tx.length * 2);
        tx = Arrays.copyOf(tx, n);
        rx = Arrays.copyOf(rx, n);
        seen = Arrays.copyOf(seen, n);
      }
      tx[g] = saturatingAdd(tx[g], t);
      rx[g] = saturatingAdd(rx[g], r);
      seen[g] = true;
      size = Math.max(size, g + 1);
    }

    int size() {
      return size;
    }

    boolean seen(int g) {
      return g < size && seen[g];
    }

    long tx(int g) {
      return g < size ? tx[g] : 0;
    }

    long rx(int g) {
      return g < size ? rx[g] : 0;
    }

    long metric(int g, Order order) {
      return switch (order) {
        case BYTES_TX -> tx(g);
        case BYTES_RX -> rx(g);
        default -> saturatingAdd(tx(g), rx(g));
      };
    }

    /**
     * The groups seen, largest first by the order's bytes (ties by names), at most {@code n}: a bounded heap picks
     * them in one pass, so a top 10 of a million groups sorts ten, not a million.
     */
    int[] ranked(Groups groups, Order order, int n) {
      Comparator<Integer> byNames = groups.byNames();
      // Negative when a ranks before b.
      java.util.function.IntBinaryOperator before = (a, b) -> {
        int c = Long.compare(metric(b, order), metric(a, order));
        return c != 0 ? c : byNames.compare(a, b);
      };
      if ((long) n >= size) {
        return seenGroups().sorted((a, b) -> before.applyAsInt(a, b)).mapToInt(Integer::intValue).toArray();
      }
      // A heap of the best n so far, the worst of them at the root.
      int[] heap = new int[n];
      int count = 0;
      for (int g = 0; g < size; g++) {
        if (!seen[g]) {
          continue;
        }
        if (count < n) {
          heap[count] = g;
          for (int i = count++; i > 0 && before.applyAsInt(heap[(i - 1) / 2], heap[i]) < 0; i = (i - 1) / 2) {
            swap(heap, i, (i - 1) / 2);
          }
        } else if (before.applyAsInt(g, heap[0]) < 0) {
          heap[0] = g;
          for (int i = 0; ; ) {
            int l = 2 * i + 1;
            int r = l + 1;
            int worst = i;
            if (l < count && before.applyAsInt(heap[worst], heap[l]) < 0) {
              worst = l;
            }
            if (r < count && before.applyAsInt(heap[worst], heap[r]) < 0) {
              worst = r;
            }
            if (worst == i) {
              break;
            }
            swap(heap, i, worst);
            i = worst;
          }
        }
      }
      return Arrays.stream(heap, 0, count).boxed().sorted((a, b) -> before.applyAsInt(a, b))
          .mapToInt(Integer::intValue).toArray();
    }

    private static void swap(int[] a, int i, int j) {
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }

    int[] byNames(Groups groups) {
      return seenGroups().sorted(groups.byNames()).mapToInt(Integer::intValue).toArray();
    }

    private java.util.stream.Stream<Integer> seenGroups() {
      List<Integer> out = new ArrayList<>();
      for (int g = 0; g < size; g++) {
        if (seen[g]) {
          out.add(g);
        }
      }
      return out.stream();
    }
  }

  // ---- paging ---------------------------------------------------------------------------------------------------

  /**
   * Where the next page starts: the bucket, and in it the first row's names (name order: the page starts there,
   * however the rows before moved meanwhile) or its position (byte order). Tied to the query by a digest.
   */
  private record Cursor(int bucket, int position, String[] after) {
    static final Cursor START = new Cursor(0, 0, null);

    static Cursor decode(TotalsQuery q) throws Refused {
      if (q.cursor() == null) {
        return START;
      }
      try {
        String[] parts = new String(Base64.getUrlDecoder().decode(q.cursor()), StandardCharsets.UTF_8)
            .split("\u0000", -1);
        if (!parts[0].equals(Long.toHexString(fingerprint(q)))) {
          throw new Refused("cursor", "belongs to a different query: repeat the query's other parameters as they "
              + "were, or start again without a cursor");
        }
        int bucket = Integer.parseInt(parts[1]);
        int position = Integer.parseInt(parts[2]);
        String[] after = parts.length > 3 ? new String[] {nul(parts[3]), nul(parts[4]), nul(parts[5])} : null;
        return new Cursor(bucket, position, after);
      } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
        throw new Refused("cursor", "is not a cursor this node gave out");
      }
    }

    /** The cursor of a page that starts at row {@code i} of bucket {@code b}. */
    static String at(TotalsQuery q, int b, int i, Row first) {
      String text = Long.toHexString(fingerprint(q)) + "\u0000" + b + "\u0000" + i;
      if (q.order() == Order.NAMES) {
        text += "\u0000" + txt(first.srcApp()) + "\u0000" + txt(first.destApp()) + "\u0000" + txt(first.vpcId());
      }
      return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Where in the cursor's bucket the next page starts. */
    int skip(List<Row> rows, Order order) {
      if (after == null) {
        return Math.min(position, rows.size());
      }
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        if (compareNames(new String[] {r.srcApp(), r.destApp(), r.vpcId()}, after) >= 0) {
          return i;
        }
      }
      return rows.size();
    }

    private static String txt(String s) {
      return s == null ? "\u0001" : s;
    }

    private static String nul(String s) {
      return s.equals("\u0001") ? null : s;
    }

    private static long fingerprint(TotalsQuery q) {
      return java.util.Objects.hash(q.fromHour(), q.toHour(), q.bucket(), q.groupBy(), q.filter(), q.top(),
          q.order());
    }
  }

  private static int compareNames(String[] a, String[] b) {
    for (int d = 0; d < 3; d++) {
      if (a[d] == null || b[d] == null) {
        continue;
      }
      int c = FlowKey.compareCodePoints(a[d], b[d]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  static long saturatingAdd(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }

  /** A line for the log: what the cache holds. */
  public String cacheStats() {
    return cache.stats();
  }
}
