package dev.flowagg.node.templates;

import dev.flowagg.node.settings.DatabaseSettings;
import dev.flowagg.node.storage.H2Restart;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The durable copy of shared templates in the node's database (table {@code netflow_template}), written and read on
 * a thread of its own, in order, so the actors never block on JDBC.
 */
public final class TemplateStore implements AutoCloseable {

  private static final String COLUMNS =
      "exporter, version, domain_id, template_id, options, record, last_seen, options_data";

  private final DatabaseSettings db;
  private final String upsert;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "flowagg-template-store");
    t.setDaemon(true);
    return t;
  });
  private Connection connection;

  public TemplateStore(DatabaseSettings db) {
    this.db = db;
    this.upsert = switch (db.kind()) {
      case H2 -> "MERGE INTO netflow_template (" + COLUMNS + ") KEY (exporter, version, domain_id, template_id) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
      // Several nodes may store the same template: the most recently seen copy wins.
      case POSTGRESQL -> "INSERT INTO netflow_template (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
          + "ON CONFLICT (exporter, version, domain_id, template_id) DO UPDATE SET options = EXCLUDED.options, "
          + "record = EXCLUDED.record, last_seen = EXCLUDED.last_seen, options_data = EXCLUDED.options_data "
          + "WHERE netflow_template.last_seen <= EXCLUDED.last_seen";
    };
  }

  /** Every template (withdrawals left out) seen at or after {@code sinceMillis}. */
  public CompletableFuture<Map<TemplateKey, SharedTemplate>> loadSeenSince(long sinceMillis) {
    return run(c -> {
      Map<TemplateKey, SharedTemplate> out = new LinkedHashMap<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM netflow_template WHERE last_seen >= ? ORDER BY last_seen")) {
        s.setLong(1, sinceMillis);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            SharedTemplate t = new SharedTemplate(rs.getBoolean(5), rs.getBytes(6), rs.getLong(7), rs.getBytes(8));
            if (!t.isWithdrawal()) {
              out.put(new TemplateKey(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getInt(4)), t);
            }
          }
        }
      }
      return out;
    });
  }

  /** Stores these templates (withdrawals too, so an older copy cannot win later); returns how many. */
  public CompletableFuture<Integer> save(Map<TemplateKey, SharedTemplate> templates) {
    return run(c -> {
      try (PreparedStatement s = c.prepareStatement(upsert)) {
        for (Map.Entry<TemplateKey, SharedTemplate> e : templates.entrySet()) {
          TemplateKey k = e.getKey();
          SharedTemplate t = e.getValue();
          s.setString(1, k.exporter());
          s.setInt(2, k.version());
          s.setLong(3, k.domainId());
          s.setInt(4, k.templateId());
          s.setBoolean(5, t.options());
          s.setBytes(6, t.record());
          s.setLong(7, t.lastSeenMillis());
          s.setBytes(8, t.hasOptionsData() ? t.optionsData() : null);
          s.addBatch();
        }
        s.executeBatch();
      }
      return templates.size();
    });
  }

  /** Deletes what was last seen before {@code millis}; returns how many. */
  public CompletableFuture<Integer> deleteSeenBefore(long millis) {
    return run(c -> {
      try (PreparedStatement s = c.prepareStatement("DELETE FROM netflow_template WHERE last_seen < ?")) {
        s.setLong(1, millis);
        return s.executeUpdate();
      }
    });
  }

  private interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  private <T> CompletableFuture<T> run(Work<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.apply(connection());
      } catch (SQLException e) {
        closeConnection();
        throw new IllegalStateException("template store: " + e.getMessage(), e);
      }
    }, thread);
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = H2Restart.track(DriverManager.getConnection(db.url(), db.user(), db.password()));
      connection.setAutoCommit(true);
    }
    return connection;
  }

  private void closeConnection() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException ignored) {
      // already broken; a new one is opened on next use
    }
    connection = null;
  }

  @Override
  public void close() {
    thread.submit(this::closeConnection);
    thread.shutdown();
  }
}
