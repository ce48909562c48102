package dev.flowagg.node.storage;

import dev.flowagg.node.settings.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database takes writes now: every interval one small committed write (a full disk or a stopped server
 * shows in it, where a read might still pass). Requests ask it before they start, so that while the database is away
 * they are refused at once instead of waiting for timeouts, and those under way are told when it goes.
 *
 * <p>The probe has a connection of its own, outside the pool: a pool busy with large writes must not look like a
 * database that is away, and the probe's timeout must not stay on a pooled connection (H2 keeps a statement's query
 * timeout for its whole session, so a later long query would be cancelled). A probe that fails while other writes
 * commit (a database busy past the probe's timeout) does not count as a failure.
 */
public final class DatabaseHealth implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);

  private final Database db;
  private final Consumer<String> onChange;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "flowagg-database-health");
    t.setDaemon(true);
    return t;
  });
  private volatile String problem;
  private volatile CompletableFuture<String> lost = new CompletableFuture<>();
  private long downSince;
  /** The probe's own connection; only the probe thread touches it. */
  private Connection connection;
  private int failures;
  /** On H2, where the probe's connections come from (see {@link H2Restart}); null otherwise. */
  private final H2DataSource h2;

  /** Probes every {@code interval}; {@code onChange} hears the problem (null once the database is back). */
  public DatabaseHealth(Database db, Duration interval, Consumer<String> onChange) {
    this.db = db;
    this.onChange = onChange;
    this.h2 = db.kind() == DatabaseSettings.Kind.H2 ? new H2DataSource(db.settings()) : null;
    thread.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Why the database cannot take writes now; null when it can. */
  public String problem() {
    return problem;
  }

  /** Completes (with the problem) the next time the database stops taking writes. */
  public CompletableFuture<String> whenLost() {
    return lost;
  }

  private void probe() {
    String found = null;
    long commitsBefore = db.commits();
    try {
      if (connection == null) {
        connection = h2 != null ? h2.getConnection() : DriverManager.getConnection(db.settings().url(), properties());
        connection.setAutoCommit(true);
      }
      try (PreparedStatement s = connection.prepareStatement("UPDATE flowagg_health SET probed_at = ? WHERE id = 1")) {
        s.setQueryTimeout(2);
        s.setLong(1, System.currentTimeMillis());
        s.executeUpdate();
      }
    } catch (SQLException | RuntimeException e) {
      found = describe(e);
      closeConnection();
      if (db.commits() != commitsBefore) {
        // Busy, not away: other writes committed meanwhile.
        found = null;
      }
    }
    if (h2 != null) {
      // Also when the probe passed: its own connection can be the last one on a database H2 has lost track of.
      H2Restart.recover(h2);
      if (found == null && connection != null) {
        H2FileUpkeep.run(connection);
      }
    }
    // Two failed probes in a row, so that one slow answer under load does not turn the node away.
    failures = found == null ? 0 : failures + 1;
    String before = problem;
    if (found != null && before == null && failures >= 2) {
      downSince = System.nanoTime();
      problem = found;
      log.warn("the database does not take writes: {}; requests are refused with 503 until it does", found);
      lost.complete(found);
      onChange.accept(found);
    } else if (found == null && before != null) {
      problem = null;
      lost = new CompletableFuture<>();
      log.info("the database takes writes again (after {} s)", (System.nanoTime() - downSince) / 1_000_000_000);
      onChange.accept(null);
    } else if (found != null && before != null) {
      problem = found;
    }
  }

  /** The innermost message, without the stack: what a person needs to see. */
  static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int newline = m.indexOf('\n');
    return newline > 0 ? m.substring(0, newline) : m;
  }

  private Properties properties() {
    Properties p = new Properties();
    p.setProperty("user", db.settings().user());
    p.setProperty("password", db.settings().password());
    if (db.kind() == DatabaseSettings.Kind.POSTGRESQL) {
      // Seconds: an unreachable server must not hold the probe past its next turn.
      p.setProperty("connectTimeout", "2");
      p.setProperty("socketTimeout", "5");
    }
    return p;
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // it was broken already
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeConnection();
  }
}
