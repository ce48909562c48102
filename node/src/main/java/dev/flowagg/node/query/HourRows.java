package dev.flowagg.node.query;

import dev.flowagg.node.settings.DatabaseSettings;
import dev.flowagg.node.storage.Database;
import dev.flowagg.node.storage.FlowTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The rows of one hour in tuple-name order (Unicode code points), opened eagerly (so an unavailable database is known
 * before an answer starts) and closed by whoever drains it.
 *
 * <p>An hour of up to {@link #IN_MEMORY} rows is summed by the {@link TotalsEngine} from its cached pieces and names
 * (no join with the names table, no sort by the database): 0.19 s for 100 000 rows against 0.45 s read through a
 * join and sorted, about 200 bytes of heap per row while the answer is written. A larger hour is read through a
 * database cursor sorted by the database (which spills to disk on H2), so an hour of any size streams in bounded
 * memory.
 */
public final class HourRows implements AutoCloseable {

  /** One tuple's totals in the hour. */
  public record Row(String srcApp, String destApp, String vpcId, long bytesTx, long bytesRx) {}

  /** The most rows of an hour answered from memory rather than through a database cursor. */
  public static final int IN_MEMORY = 150_000;

  private final Connection connection;
  private final PreparedStatement statement;
  private final ResultSet rows;
  /** The hour's rows already read and sorted; null when they come from {@link #rows}. */
  private final Iterator<Row> sorted;

  private HourRows(Connection connection, PreparedStatement statement, ResultSet rows) {
    this.connection = connection;
    this.statement = statement;
    this.rows = rows;
    this.sorted = null;
  }

  private HourRows(List<Row> sorted) {
    this.connection = null;
    this.statement = null;
    this.rows = null;
    this.sorted = sorted.iterator();
  }

  /** Opens the hour's rows; the caller must {@link #close()} the result. Blocks. */
  public static HourRows open(Database db, TotalsEngine engine, long hour) throws SQLException {
    return open(db, engine, hour, IN_MEMORY);
  }

  /** As {@link #open(Database, TotalsEngine, long)}, from memory up to {@code inMemory} rows (tests: 0). */
  public static HourRows open(Database db, TotalsEngine engine, long hour, int inMemory) throws SQLException {
    boolean postgres = db.kind() == DatabaseSettings.Kind.POSTGRESQL;
    if (count(db, hour, postgres) <= inMemory) {
      List<Row> rows = new ArrayList<>();
      engine.hourByTuple(hour, r -> rows.add(new Row(r.srcApp(), r.destApp(), r.vpcId(), r.bytesTx(), r.bytesRx())));
      return new HourRows(rows);
    }
    // PostgreSQL's columns compare in the C collation (bytes of UTF-8, which is code point order); H2 compares
    // strings as UTF-16, so it sorts by the UTF-8 bytes instead.
    String sql = postgres
        ? "SELECT t.src_app, t.dest_app, t.vpc_id, h.bytes_tx, h.bytes_rx FROM flow_hour h "
            + "JOIN flow_tuple t ON t.id = h.tuple_id WHERE h.epoch_hour = ? ORDER BY t.src_app, t.dest_app, t.vpc_id"
        : "SELECT t.src_app, t.dest_app, t.vpc_id, h.bytes_tx, h.bytes_rx FROM flow_hour h "
            + "JOIN flow_tuple t ON t.id = BITAND(h.row_key, " + ((1L << FlowTables.TUPLE_BITS) - 1) + ") "
            + "WHERE h.row_key >= ? AND h.row_key < ? ORDER BY CAST(t.src_app AS VARBINARY), "
            + "CAST(t.dest_app AS VARBINARY), CAST(t.vpc_id AS VARBINARY)";
    Connection c = db.connection();
    try {
      // PostgreSQL streams a result set through a cursor only inside a transaction.
      c.setAutoCommit(false);
      c.setReadOnly(true);
      PreparedStatement s = c.prepareStatement(sql);
      s.setFetchSize(2000);
      if (postgres) {
        s.setLong(1, hour);
      } else {
        s.setLong(1, hour << FlowTables.TUPLE_BITS);
        s.setLong(2, (hour + 1) << FlowTables.TUPLE_BITS);
      }
      return new HourRows(c, s, s.executeQuery());
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static long count(Database db, long hour, boolean postgres) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement s = c.prepareStatement(postgres
            ? "SELECT COUNT(*) FROM flow_hour WHERE epoch_hour = ?"
            : "SELECT COUNT(*) FROM flow_hour WHERE row_key >= ? AND row_key < ?")) {
      if (postgres) {
        s.setLong(1, hour);
      } else {
        s.setLong(1, hour << FlowTables.TUPLE_BITS);
        s.setLong(2, (hour + 1) << FlowTables.TUPLE_BITS);
      }
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /** The next row, or null after the last. */
  public Row next() throws SQLException {
    if (sorted != null) {
      return sorted.hasNext() ? sorted.next() : null;
    }
    if (!rows.next()) {
      return null;
    }
    return new Row(rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4), rows.getLong(5));
  }

  @Override
  public void close() {
    if (connection == null) {
      return;
    }
    try {
      if (rows != null) {
        rows.close();
        statement.close();
      }
      connection.rollback();
      connection.setReadOnly(false);
      connection.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the connection is returned to the pool below either way
    } finally {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // nothing more to release
      }
    }
  }
}
