package dev.flowagg.node.storage;

import dev.flowagg.node.settings.DatabaseSettings;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read model's tables ({@code flow_tuple}, {@code flow_hour}, {@code flow_day} and their bookkeeping, see the
 * V3 migrations): the slices write them, queries read them. Every write of a slice is guarded by the sequence number
 * of the slice event it carries, so an event is stored once however often it is applied. Calls block: the slices
 * run on a dispatcher of their own, and readers on the blocking dispatcher.
 */
public final class FlowTables implements AutoCloseable {

  /** Bits of a tuple id: the slice above the slice's own 32-bit numbering. */
  public static final int TUPLE_BITS = 38;

  /** Hours (and days) are stored below this, so that H2's packed keys fit a BIGINT: beyond the year 5800. */
  public static final long MAX_BUCKET = (1L << (63 - TUPLE_BITS)) - 1;

  private static final long SATURATED = Long.MAX_VALUE;
  private static final int DAY_BLOCK = 32;
  private static final Logger log = LoggerFactory.getLogger(FlowTables.class);

  /** A tuple the tables know: its id and names, its newest hour, and its totals in that hour. */
  public record KnownTuple(
      long id, String srcApp, String destApp, String vpcId, long lastHour, long lastHourTx, long lastHourRx) {}

  /** The event is already in the tables (a repeat). */
  public static final class AlreadyApplied extends Exception {
    AlreadyApplied(int slice, long seq, long stored) {
      super("slice " + slice + " event " + seq + " is already stored (the tables hold up to " + stored + ")");
    }
  }

  /** The tables are behind the slice by more than one event: the events in between must be applied first. */
  public static final class Behind extends Exception {
    public final long stored;

    Behind(int slice, long seq, long stored) {
      super("slice " + slice + " event " + seq + " cannot be stored: the tables hold only up to " + stored);
      this.stored = stored;
    }
  }

  private final Database db;
  private final boolean postgres;
  /** Days and day blocks whose PostgreSQL partitions exist (or were just made). */
  private final Set<Long> hourPartitions = ConcurrentHashMap.newKeySet();
  private final Set<Long> dayPartitions = ConcurrentHashMap.newKeySet();

  /** Hears every slice update this node commits, with the first hour it kept (see {@link #onStored}). */
  public interface StoredListener {
    void stored(SliceUpdate u, long hourCutoff);
  }

  private volatile StoredListener listener;

  /** From now on {@code l} hears each update right after its commit (the query cache adds it to what it holds). */
  public void onStored(StoredListener l) {
    this.listener = l;
  }

  private void stored(SliceUpdate u, long hourCutoff) {
    StoredListener l = listener;
    if (l != null) {
      try {
        l.stored(u, hourCutoff);
      } catch (RuntimeException e) {
        log.warn("the query cache could not take slice {} event {}: {}", u.slice, u.seq, e.toString());
      }
    }
  }

  public FlowTables(Database db) {
    this.db = db;
    this.postgres = db.kind() == DatabaseSettings.Kind.POSTGRESQL;
  }

  public Database database() {
    return db;
  }

  public static long tupleId(int slice, int local) {
    return ((long) slice << 32) | (local & 0xFFFF_FFFFL);
  }

  public static int sliceOf(long tupleId) {
    return (int) (tupleId >>> 32);
  }

  /** H2's packed row key; added, not or-ed, so that a range's end (the next slice past the last) stays right. */
  static long key(long bucket, long tupleId) {
    return (bucket << TUPLE_BITS) + tupleId;
  }

  // ---- slices -------------------------------------------------------------------------------------------------

  /**
   * The newest event of the slice the tables hold (0 for none); on first use the slice's row is made, with every
   * day before {@code firstOpenDay} counted as rolled up (no hour before the retention can hold data).
   */
  public long storedSeq(int slice, long firstOpenDay) throws SQLException {
    try (Connection c = db.connection()) {
      try (PreparedStatement s = c.prepareStatement("SELECT seq FROM flow_slice WHERE slice = ?")) {
        s.setInt(1, slice);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next()) {
            return rs.getLong(1);
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement(
          postgres
              ? "INSERT INTO flow_slice (slice, seq, rolled_up_day) VALUES (?, 0, ?) ON CONFLICT DO NOTHING"
              : "MERGE INTO flow_slice t USING (VALUES (CAST(? AS INTEGER), CAST(? AS BIGINT))) s(slice, d) "
                  + "ON t.slice = s.slice WHEN NOT MATCHED THEN INSERT VALUES (s.slice, 0, s.d)")) {
        s.setInt(1, slice);
        s.setLong(2, firstOpenDay - 1);
        s.executeUpdate();
      }
      return 0;
    }
  }

  /** Moves the slice's stored sequence number to {@code seq} without storing anything: events lost for good. */
  public void skipTo(int slice, long seq) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement("UPDATE flow_slice SET seq = ? WHERE slice = ? AND seq < ?")) {
      s.setLong(1, seq);
      s.setInt(2, slice);
      s.setLong(3, seq);
      s.executeUpdate();
    }
  }

  /** The last day of the slice summed into {@code flow_day}. */
  public long rolledUpDay(int slice) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement("SELECT rolled_up_day FROM flow_slice WHERE slice = ?")) {
      s.setInt(1, slice);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : Long.MIN_VALUE;
      }
    }
  }

  /**
   * Stores a slice event in one transaction: its new tuples, its rows (added to {@code flow_hour}, and to
   * {@code flow_day} too for days already rolled up), and the slice's sequence number. Rows of hours before
   * {@code hourCutoff} are past the retention and left out. Returns the rows left out.
   *
   * @throws AlreadyApplied when the event was stored before
   * @throws Behind when an earlier event of the slice is missing
   */
  public int apply(SliceUpdate u, long hourCutoff) throws SQLException, AlreadyApplied, Behind {
    Set<Long> days = new TreeSet<>();
    int expired = 0;
    for (int i = 0; i < u.rows; i++) {
      if (u.rowHour[i] < hourCutoff) {
        expired++;
      } else {
        days.add(Math.floorDiv(u.rowHour[i], 24));
      }
    }
    if (postgres) {
      ensureHourPartitions(days);
    }
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        long rolledUp = advance(c, u.slice, u.seq);
        if (u.named > 0) {
          insertTuples(c, u);
        }
        Map<Long, long[]> lateDays = new HashMap<>();
        List<Long> hours = new ArrayList<>();
        Set<Long> seenHours = new HashSet<>();
        int kept = 0;
        long[] idx = new long[u.rows];
        for (int i = 0; i < u.rows; i++) {
          long hour = u.rowHour[i];
          if (hour < hourCutoff) {
            continue;
          }
          idx[kept++] = i;
          if (seenHours.add(hour)) {
            hours.add(hour);
          }
          long day = Math.floorDiv(hour, 24);
          if (day <= rolledUp) {
            long[] sum = lateDays.computeIfAbsent(key(day, u.rowTuple[i]), k -> new long[2]);
            sum[0] = saturatingAdd(sum[0], u.rowTx[i]);
            sum[1] = saturatingAdd(sum[1], u.rowRx[i]);
          }
        }
        if (postgres) {
          upsertHoursPostgres(c, u, idx, kept);
        } else {
          upsertHoursH2(c, u, idx, kept);
        }
        if (!lateDays.isEmpty()) {
          addToDays(c, lateDays);
          Set<Long> changedDays = new TreeSet<>();
          lateDays.keySet().forEach(k -> changedDays.add(k >>> TUPLE_BITS));
          markChanged(c, "flow_day_change", "epoch_day", changedDays, u.slice, u.seq);
        }
        if (u.bumps > 0) {
          bumpLastHours(c, u);
        }
        markChanged(c, "flow_hour_change", "epoch_hour", hours, u.slice, u.seq);
        c.commit();
        db.committed();
        stored(u, hourCutoff);
        return expired;
      } catch (SQLException | RuntimeException | AlreadyApplied | Behind e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Moves the slice from {@code seq - 1} to {@code seq}; returns its rolled-up day. */
  private long advance(Connection c, int slice, long seq) throws SQLException, AlreadyApplied, Behind {
    try (PreparedStatement s = c.prepareStatement("UPDATE flow_slice SET seq = ? WHERE slice = ? AND seq = ?")) {
      s.setLong(1, seq);
      s.setInt(2, slice);
      s.setLong(3, seq - 1);
      if (s.executeUpdate() == 1) {
        try (PreparedStatement r = c.prepareStatement("SELECT rolled_up_day FROM flow_slice WHERE slice = ?")) {
          r.setInt(1, slice);
          try (ResultSet rs = r.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement("SELECT seq FROM flow_slice WHERE slice = ?")) {
      s.setInt(1, slice);
      try (ResultSet rs = s.executeQuery()) {
        long stored = rs.next() ? rs.getLong(1) : -1;
        if (stored >= seq) {
          throw new AlreadyApplied(slice, seq, stored);
        }
        throw new Behind(slice, seq, stored);
      }
    }
  }

  private void insertTuples(Connection c, SliceUpdate u) throws SQLException {
    if (postgres) {
      String[] src = new String[u.named];
      String[] dst = new String[u.named];
      String[] vpc = new String[u.named];
      for (int i = 0; i < u.named; i++) {
        src[i] = u.namedNames[i][0];
        dst[i] = u.namedNames[i][1];
        vpc[i] = u.namedNames[i][2];
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO flow_tuple (id, src_app, dest_app, vpc_id, last_hour) "
              + "SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[])")) {
        s.setArray(1, longs(c, u.namedIds, u.named));
        s.setArray(2, c.createArrayOf("text", src));
        s.setArray(3, c.createArrayOf("text", dst));
        s.setArray(4, c.createArrayOf("text", vpc));
        s.setArray(5, longs(c, u.namedLastHour, u.named));
        s.executeUpdate();
      }
      return;
    }
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO flow_tuple (id, src_app, dest_app, vpc_id, last_hour) VALUES (?, ?, ?, ?, ?)")) {
      for (int i = 0; i < u.named; i++) {
        s.setLong(1, u.namedIds[i]);
        s.setString(2, u.namedNames[i][0]);
        s.setString(3, u.namedNames[i][1]);
        s.setString(4, u.namedNames[i][2]);
        s.setLong(5, u.namedLastHour[i]);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private void upsertHoursPostgres(Connection c, SliceUpdate u, long[] idx, int n) throws SQLException {
    if (n == 0) {
      return;
    }
    long[] hour = new long[n];
    long[] tuple = new long[n];
    long[] tx = new long[n];
    long[] rx = new long[n];
    for (int k = 0; k < n; k++) {
      int i = (int) idx[k];
      hour[k] = u.rowHour[i];
      tuple[k] = u.rowTuple[i];
      tx[k] = u.rowTx[i];
      rx[k] = u.rowRx[i];
    }
    // One statement for all rows: the arrays travel as four parameters.
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO flow_hour (epoch_hour, tuple_id, bytes_tx, bytes_rx) "
            + "SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[]) "
            + "ON CONFLICT (epoch_hour, tuple_id) DO UPDATE SET bytes_tx = flow_hour.bytes_tx + EXCLUDED.bytes_tx, "
            + "bytes_rx = flow_hour.bytes_rx + EXCLUDED.bytes_rx")) {
      s.setArray(1, longs(c, hour, n));
      s.setArray(2, longs(c, tuple, n));
      s.setArray(3, longs(c, tx, n));
      s.setArray(4, longs(c, rx, n));
      s.executeUpdate();
    }
  }

  private void upsertHoursH2(Connection c, SliceUpdate u, long[] idx, int n) throws SQLException {
    // Rows the slice knows to be new are inserted; the others updated, and inserted when the update found none.
    List<Integer> missing = new ArrayList<>();
    List<Integer> updated = new ArrayList<>();
    try (PreparedStatement update =
        c.prepareStatement("UPDATE flow_hour SET bytes_tx = bytes_tx + ?, bytes_rx = bytes_rx + ? WHERE row_key = ?")) {
      for (int k = 0; k < n; k++) {
        int i = (int) idx[k];
        if (u.rowFresh[i]) {
          missing.add(i);
          continue;
        }
        update.setLong(1, u.rowTx[i]);
        update.setLong(2, u.rowRx[i]);
        update.setLong(3, key(u.rowHour[i], u.rowTuple[i]));
        update.addBatch();
        updated.add(i);
      }
      if (!updated.isEmpty()) {
        int[] counts = update.executeBatch();
        for (int k = 0; k < counts.length; k++) {
          if (counts[k] == 0) {
            missing.add(updated.get(k));
          }
        }
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        c.prepareStatement("INSERT INTO flow_hour (row_key, bytes_tx, bytes_rx) VALUES (?, ?, ?)")) {
      for (int i : missing) {
        insert.setLong(1, key(u.rowHour[i], u.rowTuple[i]));
        insert.setLong(2, u.rowTx[i]);
        insert.setLong(3, u.rowRx[i]);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** Adds sums to daily rows (saturating at 2^63-1: a day may hold more than any hour may). */
  private void addToDays(Connection c, Map<Long, long[]> sums) throws SQLException {
    if (postgres) {
      Set<Long> blocks = new TreeSet<>();
      sums.keySet().forEach(k -> blocks.add(Math.floorDiv(k >>> TUPLE_BITS, DAY_BLOCK)));
      ensureDayPartitions(blocks);
      int n = sums.size();
      long[] day = new long[n];
      long[] tuple = new long[n];
      long[] tx = new long[n];
      long[] rx = new long[n];
      int k = 0;
      for (Map.Entry<Long, long[]> e : sums.entrySet()) {
        day[k] = e.getKey() >>> TUPLE_BITS;
        tuple[k] = e.getKey() & ((1L << TUPLE_BITS) - 1);
        tx[k] = e.getValue()[0];
        rx[k] = e.getValue()[1];
        k++;
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO flow_day (epoch_day, tuple_id, bytes_tx, bytes_rx) "
              + "SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[]) "
              + "ON CONFLICT (epoch_day, tuple_id) DO UPDATE SET "
              + "bytes_tx = LEAST(flow_day.bytes_tx::numeric + EXCLUDED.bytes_tx, " + SATURATED + ")::bigint, "
              + "bytes_rx = LEAST(flow_day.bytes_rx::numeric + EXCLUDED.bytes_rx, " + SATURATED + ")::bigint")) {
        s.setArray(1, longs(c, day, n));
        s.setArray(2, longs(c, tuple, n));
        s.setArray(3, longs(c, tx, n));
        s.setArray(4, longs(c, rx, n));
        s.executeUpdate();
      }
      return;
    }
    try (PreparedStatement s = c.prepareStatement(
        "MERGE INTO flow_day t USING (VALUES (CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))) "
            + "s(k, tx, rx) ON t.row_key = s.k "
            + "WHEN MATCHED THEN UPDATE SET "
            + "bytes_tx = CAST(LEAST(CAST(t.bytes_tx AS NUMERIC(20)) + s.tx, " + SATURATED + ") AS BIGINT), "
            + "bytes_rx = CAST(LEAST(CAST(t.bytes_rx AS NUMERIC(20)) + s.rx, " + SATURATED + ") AS BIGINT) "
            + "WHEN NOT MATCHED THEN INSERT VALUES (s.k, s.tx, s.rx)")) {
      for (Map.Entry<Long, long[]> e : sums.entrySet()) {
        s.setLong(1, e.getKey());
        s.setLong(2, e.getValue()[0]);
        s.setLong(3, e.getValue()[1]);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private void bumpLastHours(Connection c, SliceUpdate u) throws SQLException {
    if (postgres) {
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE flow_tuple t SET last_hour = b.h FROM unnest(?::bigint[], ?::bigint[]) b(id, h) "
              + "WHERE t.id = b.id AND t.last_hour < b.h")) {
        s.setArray(1, longs(c, u.bumpIds, u.bumps));
        s.setArray(2, longs(c, u.bumpHours, u.bumps));
        s.executeUpdate();
      }
      return;
    }
    try (PreparedStatement s =
        c.prepareStatement("UPDATE flow_tuple SET last_hour = ? WHERE id = ? AND last_hour < ?")) {
      for (int i = 0; i < u.bumps; i++) {
        s.setLong(1, u.bumpHours[i]);
        s.setLong(2, u.bumpIds[i]);
        s.setLong(3, u.bumpHours[i]);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private void markChanged(Connection c, String table, String column, Iterable<Long> buckets, int slice, long seq)
      throws SQLException {
    String sql = postgres
        ? "INSERT INTO " + table + " (" + column + ", slice, seq) VALUES (?, ?, ?) ON CONFLICT (" + column
            + ", slice) DO UPDATE SET seq = EXCLUDED.seq"
        : "MERGE INTO " + table + " (" + column + ", slice, seq) KEY (" + column + ", slice) VALUES (?, ?, ?)";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      int n = 0;
      for (long bucket : buckets) {
        s.setLong(1, bucket);
        s.setInt(2, slice);
        s.setLong(3, seq);
        s.addBatch();
        n++;
      }
      if (n > 0) {
        s.executeBatch();
      }
    }
  }

  /** The tuples of the slice seen at or after {@code sinceHour}, with their totals in their newest hour. */
  public List<KnownTuple> recentTuples(int slice, long sinceHour) throws SQLException {
    String join = postgres
        ? "LEFT JOIN flow_hour h ON h.epoch_hour = t.last_hour AND h.tuple_id = t.id"
        : "LEFT JOIN flow_hour h ON h.row_key = t.last_hour * " + (1L << TUPLE_BITS) + " + t.id";
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement(
            "SELECT t.id, t.src_app, t.dest_app, t.vpc_id, t.last_hour, h.bytes_tx, h.bytes_rx FROM flow_tuple t "
                + join + " WHERE t.id >= ? AND t.id < ? AND t.last_hour >= ?")) {
      s.setLong(1, tupleId(slice, 0));
      s.setLong(2, tupleId(slice + 1, 0));
      s.setLong(3, sinceHour);
      return knownTuples(s);
    }
  }

  /** Receives one tuple's names. */
  @FunctionalInterface
  public interface NameSink {
    void accept(String srcApp, String destApp, String vpcId);
  }

  /** The names of every tuple of the slice. */
  public void tupleNames(int slice, NameSink sink) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement(
            "SELECT src_app, dest_app, vpc_id FROM flow_tuple WHERE id >= ? AND id < ?")) {
      if (postgres) {
        c.setAutoCommit(false);
        s.setFetchSize(10_000);
      }
      s.setLong(1, tupleId(slice, 0));
      s.setLong(2, tupleId(slice + 1, 0));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          sink.accept(rs.getString(1), rs.getString(2), rs.getString(3));
        }
      } finally {
        if (postgres) {
          c.rollback();
          c.setAutoCommit(true);
        }
      }
    }
  }

  /** Which of these tuples (by names) the tables know, with their totals in their newest hour. */
  public List<KnownTuple> findTuples(List<String[]> names) throws SQLException {
    List<KnownTuple> out = new ArrayList<>();
    if (names.isEmpty()) {
      return out;
    }
    String join = postgres
        ? "LEFT JOIN flow_hour h ON h.epoch_hour = t.last_hour AND h.tuple_id = t.id"
        : "LEFT JOIN flow_hour h ON h.row_key = t.last_hour * " + (1L << TUPLE_BITS) + " + t.id";
    String select = "SELECT t.id, t.src_app, t.dest_app, t.vpc_id, t.last_hour, h.bytes_tx, h.bytes_rx FROM ";
    try (Connection c = db.connection()) {
      if (postgres) {
        String[] src = new String[names.size()];
        String[] dst = new String[names.size()];
        String[] vpc = new String[names.size()];
        for (int i = 0; i < names.size(); i++) {
          src[i] = names.get(i)[0];
          dst[i] = names.get(i)[1];
          vpc[i] = names.get(i)[2];
        }
        try (PreparedStatement s = c.prepareStatement(
            select + "unnest(?::text[], ?::text[], ?::text[]) n(s, d, v) JOIN flow_tuple t "
                + "ON t.src_app = n.s AND t.dest_app = n.d AND t.vpc_id = n.v " + join)) {
          s.setArray(1, c.createArrayOf("text", src));
          s.setArray(2, c.createArrayOf("text", dst));
          s.setArray(3, c.createArrayOf("text", vpc));
          out.addAll(knownTuples(s));
        }
        return out;
      }
      try (PreparedStatement s = c.prepareStatement(
          select + "flow_tuple t " + join + " WHERE t.src_app = ? AND t.dest_app = ? AND t.vpc_id = ?")) {
        for (String[] n : names) {
          s.setString(1, n[0]);
          s.setString(2, n[1]);
          s.setString(3, n[2]);
          out.addAll(knownTuples(s));
        }
      }
      return out;
    }
  }

  private static List<KnownTuple> knownTuples(PreparedStatement s) throws SQLException {
    List<KnownTuple> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(new KnownTuple(
            rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6),
            rs.getLong(7)));
      }
    }
    return out;
  }

  /**
   * The totals of {@code (tuple, hour)} pairs that have a row; {@code [tx, rx]} by index of the pair. PostgreSQL gets
   * every pair in one statement: a delivery that straddles an hour can ask for every tuple of the slice, and one round
   * trip per pair made such deliveries slow. H2, in the same process, is asked pair by pair.
   */
  public Map<Integer, long[]> totals(long[] tupleIds, long[] hours) throws SQLException {
    Map<Integer, long[]> out = new HashMap<>();
    if (tupleIds.length == 0) {
      return out;
    }
    try (Connection c = db.connection()) {
      if (postgres) {
        try (PreparedStatement s = c.prepareStatement(
            "SELECT p.i, h.bytes_tx, h.bytes_rx FROM unnest(?::bigint[], ?::bigint[]) WITH ORDINALITY p(t, h, i) "
                + "JOIN flow_hour h ON h.epoch_hour = p.h AND h.tuple_id = p.t")) {
          s.setArray(1, longs(c, tupleIds, tupleIds.length));
          s.setArray(2, longs(c, hours, hours.length));
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              out.put((int) rs.getLong(1) - 1, new long[] {rs.getLong(2), rs.getLong(3)});
            }
          }
        }
        return out;
      }
      try (PreparedStatement s = c.prepareStatement("SELECT bytes_tx, bytes_rx FROM flow_hour WHERE row_key = ?")) {
        for (int i = 0; i < tupleIds.length; i++) {
          s.setLong(1, key(hours[i], tupleIds[i]));
          try (ResultSet rs = s.executeQuery()) {
            if (rs.next()) {
              out.put(i, new long[] {rs.getLong(1), rs.getLong(2)});
            }
          }
        }
      }
    }
    return out;
  }

  // ---- daily rollups and retention ------------------------------------------------------------------------------

  /**
   * Rolls up every day of the slice through {@code lastDay}, in order: sums each day's hours into {@code flow_day} and
   * marks it rolled up, one transaction per day; days the slice wrote nothing to are passed over at once. From then on
   * the slice adds late rows of those days to both tables.
   */
  public void rollUpThrough(int slice, long lastDay, long seq) throws SQLException {
    while (true) {
      long rolledUp = rolledUpDay(slice);
      if (rolledUp >= lastDay || rolledUp == Long.MIN_VALUE) {
        return;
      }
      long next = nextHourWritten(slice, (rolledUp + 1) * 24);
      long day = next == Long.MIN_VALUE ? Long.MAX_VALUE : Math.floorDiv(next, 24);
      if (day > lastDay) {
        markRolledUp(slice, rolledUp, lastDay);
        return;
      }
      if (day > rolledUp + 1) {
        markRolledUp(slice, rolledUp, day - 1);
      }
      rollUp(slice, day, seq);
    }
  }

  /** The first hour at or after {@code fromHour} the slice wrote rows for, or {@code Long.MIN_VALUE}. */
  private long nextHourWritten(int slice, long fromHour) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement(
            "SELECT min(epoch_hour) FROM flow_hour_change WHERE slice = ? AND epoch_hour >= ?")) {
      s.setInt(1, slice);
      s.setLong(2, fromHour);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getObject(1) != null ? rs.getLong(1) : Long.MIN_VALUE;
      }
    }
  }

  private void markRolledUp(int slice, long from, long to) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement(
            "UPDATE flow_slice SET rolled_up_day = ? WHERE slice = ? AND rolled_up_day = ?")) {
      s.setLong(1, to);
      s.setInt(2, slice);
      s.setLong(3, from);
      s.executeUpdate();
    }
  }

  /** Sums the slice's hours of {@code day} into {@code flow_day} and marks the day rolled up, in one transaction. */
  private void rollUp(int slice, long day, long seq) throws SQLException {
    Map<Long, long[]> sums = new HashMap<>();
    long lo = tupleId(slice, 0);
    long hi = tupleId(slice + 1, 0);
    if (postgres) {
      ensureDayPartitions(Set.of(Math.floorDiv(day, DAY_BLOCK)));
    }
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement s = c.prepareStatement(
            postgres
                ? "SELECT tuple_id, bytes_tx, bytes_rx FROM flow_hour WHERE epoch_hour = ? AND tuple_id >= ? "
                    + "AND tuple_id < ?"
                : "SELECT row_key, bytes_tx, bytes_rx FROM flow_hour WHERE row_key >= ? AND row_key < ?")) {
          for (long hour = day * 24; hour < day * 24 + 24; hour++) {
            if (postgres) {
              s.setLong(1, hour);
              s.setLong(2, lo);
              s.setLong(3, hi);
            } else {
              s.setLong(1, key(hour, lo));
              s.setLong(2, key(hour, hi));
            }
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                long tuple = rs.getLong(1) & ((1L << TUPLE_BITS) - 1);
                long[] sum = sums.computeIfAbsent(key(day, tuple), k -> new long[2]);
                sum[0] = saturatingAdd(sum[0], rs.getLong(2));
                sum[1] = saturatingAdd(sum[1], rs.getLong(3));
              }
            }
          }
        }
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE flow_slice SET rolled_up_day = ? WHERE slice = ? AND rolled_up_day = ?")) {
          s.setLong(1, day);
          s.setInt(2, slice);
          s.setLong(3, day - 1);
          if (s.executeUpdate() != 1) {
            c.rollback();
            return;
          }
        }
        if (!sums.isEmpty()) {
          addToDays(c, sums);
          markChanged(c, "flow_day_change", "epoch_day", List.of(day), slice, seq);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** How much of the retention sweep deleted. */
  public record Swept(long hourRows, long dayRows, long tuples) {}

  /**
   * Deletes what is past the retention: hours before {@code hourCutoff} (only of days every slice has rolled up),
   * days before {@code dayCutoff}, and tuples with no hour since {@code dayCutoff}. PostgreSQL drops whole
   * partitions where it can. Safe to run on several nodes at once.
   */
  public Swept sweep(long hourCutoff, long dayCutoff) throws SQLException {
    long hourRows = 0;
    long dayRows = 0;
    long tuples = 0;
    try (Connection c = db.connection()) {
      long minRolledUp = Long.MAX_VALUE;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT min(rolled_up_day) FROM flow_slice")) {
        if (rs.next() && rs.getObject(1) != null) {
          minRolledUp = rs.getLong(1);
        }
      }
      long hourLimit = Math.min(hourCutoff, minRolledUp == Long.MAX_VALUE ? hourCutoff : (minRolledUp + 1) * 24);
      if (postgres) {
        hourRows += dropPartitions(c, "flow_hour", 24, Math.floorDiv(hourLimit, 24));
        dayRows += dropPartitions(c, "flow_day", DAY_BLOCK, Math.floorDiv(dayCutoff, DAY_BLOCK));
        hourRows += update(c, "DELETE FROM flow_hour WHERE epoch_hour < ?", hourLimit);
        dayRows += update(c, "DELETE FROM flow_day WHERE epoch_day < ?", dayCutoff);
        update(c, "DELETE FROM flow_hour_change WHERE epoch_hour < ?", hourLimit);
      } else {
        hourRows += update(c, "DELETE FROM flow_hour WHERE row_key < ?", key(hourLimit, 0));
        dayRows += update(c, "DELETE FROM flow_day WHERE row_key < ?", key(dayCutoff, 0));
        update(c, "DELETE FROM flow_hour_change WHERE epoch_hour < ?", hourLimit);
      }
      update(c, "DELETE FROM flow_day_change WHERE epoch_day < ?", dayCutoff);
      // A tuple goes once none of its rows can remain: every hour of it deletable, and every day.
      tuples = update(c, "DELETE FROM flow_tuple WHERE last_hour < ?", Math.min(dayCutoff * 24, hourLimit));
    }
    return new Swept(hourRows, dayRows, tuples);
  }

  private static long update(Connection c, String sql, long value) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, value);
      return s.executeUpdate();
    }
  }

  // ---- PostgreSQL partitions ----------------------------------------------------------------------------------

  private void ensureHourPartitions(Set<Long> days) throws SQLException {
    for (long day : days) {
      if (!hourPartitions.contains(day)) {
        createPartition("flow_hour", "flow_hour_p" + partitionSuffix(day), day * 24, day * 24 + 24);
        hourPartitions.add(day);
      }
    }
  }

  private void ensureDayPartitions(Set<Long> blocks) throws SQLException {
    for (long block : blocks) {
      if (!dayPartitions.contains(block)) {
        createPartition(
            "flow_day", "flow_day_p" + partitionSuffix(block), block * DAY_BLOCK, block * DAY_BLOCK + DAY_BLOCK);
        dayPartitions.add(block);
      }
    }
  }

  private static String partitionSuffix(long n) {
    return n < 0 ? "m" + (-n) : Long.toString(n);
  }

  private void createPartition(String parent, String name, long from, long to) throws SQLException {
    try (Connection c = db.connection(); Statement s = c.createStatement()) {
      // Nodes may race to make the same partition: one wins, the others find it made.
      s.execute("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF " + parent + " FOR VALUES FROM (" + from
          + ") TO (" + to + ")");
    } catch (SQLException e) {
      if (!"42P07".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  /** Drops the partitions of {@code parent} that lie wholly before {@code limitIndex}; returns the rows they held. */
  private long dropPartitions(Connection c, String parent, long width, long limitIndex) throws SQLException {
    List<String> drop = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT child.relname FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid "
            + "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = ?")) {
      s.setString(1, parent);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          String suffix = name.substring((parent + "_p").length());
          long index = suffix.startsWith("m") ? -Long.parseLong(suffix.substring(1)) : Long.parseLong(suffix);
          if (index + 1 <= limitIndex) {
            drop.add(name);
          }
        }
      }
    }
    long rows = 0;
    for (String name : drop) {
      try (Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + name)) {
          rows += rs.next() ? rs.getLong(1) : 0;
        }
        s.execute("DROP TABLE IF EXISTS " + name);
      }
      (parent.equals("flow_hour") ? hourPartitions : dayPartitions).clear();
    }
    if (!drop.isEmpty()) {
      log.info("retention: dropped {} partitions of {} ({} rows)", drop.size(), parent, rows);
    }
    return rows;
  }

  /** A PostgreSQL bigint[] of the first {@code n} values, sent as it is (the driver takes primitive arrays). */
  private static Array longs(Connection c, long[] values, int n) throws SQLException {
    long[] exact = n == values.length ? values : java.util.Arrays.copyOf(values, n);
    return c.unwrap(org.postgresql.PGConnection.class).createArrayOf("int8", exact);
  }

  static long saturatingAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? SATURATED : r;
  }

  @Override
  public void close() {
    db.close();
  }
}
