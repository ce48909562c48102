package dev.flowagg.node.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.flowagg.node.settings.DatabaseSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's own pool of connections to its database, beside the one the journal plugin keeps.
 *
 * <p>Embedded H2 stops for good when a write fails (a full disk): every session then answers "The database has been
 * closed" yet still passes the JDBC validity check, and no pool takes that error for a broken connection. So on H2
 * a pooled connection is checked with a query each time it is lent (the node sets the pools' bypass window to 0):
 * a dead session is swapped for a new one, which reopens the file once there is room again, without a restart
 * (see {@link H2Restart}).
 */
public final class Database implements AutoCloseable {

  /** The query that shows whether an H2 session still reaches an open database. */
  public static final String H2_TEST_QUERY = "SELECT 1";

  private final DatabaseSettings settings;
  private final HikariDataSource pool;
  private final AtomicLong commits = new AtomicLong();

  public Database(DatabaseSettings settings, String name, int connections) {
    this.settings = settings;
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    if (settings.kind() == DatabaseSettings.Kind.H2) {
      config.setDataSource(new H2DataSource(settings));
    } else {
      config.setJdbcUrl(settings.url());
      config.setUsername(settings.user());
      config.setPassword(settings.password());
    }
    config.setMaximumPoolSize(connections);
    config.setMinimumIdle(1);
    // A request waiting for a connection fails after this instead of hanging: the callers retry.
    config.setConnectionTimeout(2_000);
    // The pool must not refuse to start when the database is down; connections are made when needed.
    config.setInitializationFailTimeout(-1);
    if (settings.kind() == DatabaseSettings.Kind.POSTGRESQL) {
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
    } else {
      config.setConnectionTestQuery(H2_TEST_QUERY);
    }
    this.pool = new HikariDataSource(config);
  }

  public DatabaseSettings.Kind kind() {
    return settings.kind();
  }

  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  public DatabaseSettings settings() {
    return settings;
  }

  /** Says that a write through this pool committed: proof that the database takes writes. */
  public void committed() {
    commits.incrementAndGet();
  }

  /** How many writes have said they committed ({@link #committed()}). */
  public long commits() {
    return commits.get();
  }

  @Override
  public void close() {
    pool.close();
  }
}
