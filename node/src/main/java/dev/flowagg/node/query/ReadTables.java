package dev.flowagg.node.query;

import dev.flowagg.node.settings.DatabaseSettings;
import dev.flowagg.node.storage.Database;
import dev.flowagg.node.storage.FlowTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** The read model as queries read it: what changed where, the rows of an hour or a day, and tuple names. Blocks. */
final class ReadTables {

  /** Receives one row: its tuple (by slice and number within it) and its totals. */
  @FunctionalInterface
  interface RowSink {
    void row(int slice, int local, long tx, long rx);
  }

  /** Receives one tuple's names. */
  @FunctionalInterface
  interface TupleSink {
    void tuple(int slice, int local, String srcApp, String destApp, String vpcId);
  }

  private static final long TUPLE_MASK = (1L << FlowTables.TUPLE_BITS) - 1;

  private final Database db;
  private final boolean postgres;

  ReadTables(Database db) {
    this.db = db;
    this.postgres = db.kind() == DatabaseSettings.Kind.POSTGRESQL;
  }

  /** The last event that changed each (bucket, slice) in {@code [from, to)}: key {@code bucket * 64 + slice}. */
  Map<Long, Long> changes(boolean days, long from, long to) throws SQLException {
    String table = days ? "flow_day_change" : "flow_hour_change";
    String column = days ? "epoch_day" : "epoch_hour";
    Map<Long, Long> out = new HashMap<>();
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement(
            "SELECT " + column + ", slice, seq FROM " + table + " WHERE " + column + " >= ? AND " + column + " < ?")) {
      s.setLong(1, from);
      s.setLong(2, to);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getLong(1) * 64 + rs.getInt(2), rs.getLong(3));
        }
      }
    }
    return out;
  }

  /** Per slice, the last day summed into {@code flow_day} ({@code Long.MIN_VALUE} for a slice never used). */
  long[] rolledUpDays(int slices) throws SQLException {
    long[] out = new long[slices];
    java.util.Arrays.fill(out, Long.MIN_VALUE);
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement("SELECT slice, rolled_up_day FROM flow_slice");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        if (rs.getInt(1) < slices) {
          out[rs.getInt(1)] = rs.getLong(2);
        }
      }
    }
    return out;
  }

  /** Receives the sequence number of a slice's newest event in the tables. */
  @FunctionalInterface
  interface SeqSink {
    void seq(int slice, long seq);
  }

  /**
   * The rows of one hour (or day), of the slices in {@code [fromSlice, toSlice)}. For an hour, each slice's newest
   * stored event comes too, read in the same statement: one snapshot of the tables, so the rows are exactly those of
   * the events up to that number.
   */
  void rows(boolean day, long bucket, int fromSlice, int toSlice, RowSink sink, SeqSink seqs) throws SQLException {
    long lo = FlowTables.tupleId(fromSlice, 0);
    long hi = FlowTables.tupleId(toSlice, 0);
    // The slices' newest events come keyed below zero (-1 - slice), so none can be taken for a row.
    String slices = day ? "" : "SELECT CAST(-1 - slice AS BIGINT), seq, CAST(0 AS BIGINT) FROM flow_slice "
        + "WHERE slice >= " + fromSlice + " AND slice < " + toSlice + " UNION ALL ";
    String sql = slices + (postgres
        ? "SELECT tuple_id, bytes_tx, bytes_rx FROM " + (day ? "flow_day WHERE epoch_day" : "flow_hour WHERE epoch_hour")
            + " = ? AND tuple_id >= ? AND tuple_id < ?"
        : "SELECT row_key, bytes_tx, bytes_rx FROM " + (day ? "flow_day" : "flow_hour")
            + " WHERE row_key >= ? AND row_key < ?");
    try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement(sql)) {
      if (postgres) {
        c.setAutoCommit(false); // streams through a cursor
        s.setFetchSize(10_000);
        s.setLong(1, bucket);
        s.setLong(2, lo);
        s.setLong(3, hi);
      } else {
        // Added, not or-ed: hi is 1 << TUPLE_BITS when the last slice is read, the bucket's own lowest bit.
        s.setLong(1, (bucket << FlowTables.TUPLE_BITS) + lo);
        s.setLong(2, (bucket << FlowTables.TUPLE_BITS) + hi);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long key = rs.getLong(1);
          if (key < 0) {
            seqs.seq((int) (-1 - key), rs.getLong(2));
          } else {
            long tuple = key & TUPLE_MASK;
            sink.row(FlowTables.sliceOf(tuple), (int) tuple, rs.getLong(2), rs.getLong(3));
          }
        }
      } finally {
        if (postgres) {
          c.rollback();
          c.setAutoCommit(true);
        }
      }
    }
  }

  /** The tuples of a slice numbered {@code fromLocal} or later. */
  void tuples(int slice, int fromLocal, TupleSink sink) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement(
            "SELECT id, src_app, dest_app, vpc_id FROM flow_tuple WHERE id >= ? AND id < ?")) {
      s.setLong(1, FlowTables.tupleId(slice, fromLocal));
      s.setLong(2, FlowTables.tupleId(slice + 1, 0));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long id = rs.getLong(1);
          sink.tuple(slice, (int) id, rs.getString(2), rs.getString(3), rs.getString(4));
        }
      }
    }
  }
}
