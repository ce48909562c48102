package dev.flowagg.node.query;

import dev.flowagg.node.settings.DatabaseSettings;
import dev.flowagg.node.storage.Database;
import dev.flowagg.node.storage.FlowTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The rows of one hour in tuple-name order (Unicode code points), read through a database cursor so that an hour of
 * any size streams in bounded memory. Opened eagerly (so an unavailable database is known before an answer starts)
 * and closed by whoever drains it.
 */
public final class HourRows implements AutoCloseable {

  /** One tuple's totals in the hour. */
  public record Row(String srcApp, String destApp, String vpcId, long bytesTx, long bytesRx) {}

  private final Connection connection;
  private final PreparedStatement statement;
  private final ResultSet rows;

  private HourRows(Connection connection, PreparedStatement statement, ResultSet rows) {
    this.connection = connection;
    this.statement = statement;
    this.rows = rows;
  }

  /** Runs the hour's query; the caller must {@link #close()} the result. Blocks. */
  public static HourRows open(Database db, long hour) throws SQLException {
    boolean postgres = db.kind() == DatabaseSettings.Kind.POSTGRESQL;
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

  /** The next row, or null after the last. */
  public Row next() throws SQLException {
    if (!rows.next()) {
      return null;
    }
    return new Row(rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4), rows.getLong(5));
  }

  @Override
  public void close() {
    try {
      rows.close();
      statement.close();
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
