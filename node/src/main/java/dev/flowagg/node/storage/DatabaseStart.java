package dev.flowagg.node.storage;

import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.process.IoReason;
import dev.flowagg.node.process.StartFailure;
import dev.flowagg.node.settings.DatabaseSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the database ready before the actor system uses it: the H2 directory exists, a PostgreSQL server that does
 * not answer yet is tried again (each try logged) until {@code FLOWAGG_DB_START_TIMEOUT}, and the schema is migrated.
 * Anything that cannot be fixed by waiting (a refused login, a missing database, an H2 file another process holds)
 * stops the start at once; every failure is one line ({@link StartFailure}).
 *
 * <p>An H2 file is held open from here until the node stops: H2 locks the file only while it is open, and the journal
 * opens it only when first used, so without this a second node started on the same data directory would start too
 * and fail later, on its first write.
 */
public final class DatabaseStart {

  /** The database, ready; {@link #release()} when the node has stopped. */
  public record Ready(MigrateResult migrated, Optional<Connection> held) {
    public void release() {
      held.ifPresent(DatabaseStart::closeQuietly);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(DatabaseStart.class);
  private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);
  // H2 error 90020: the database file is locked by another process.
  private static final int H2_DATABASE_ALREADY_OPEN = 90020;

  private DatabaseStart() {}

  /** Waits for the database as the settings allow, then migrates its schema. */
  public static Ready prepare(DatabaseSettings db, Path dataDir) {
    boolean h2 = db.kind() == DatabaseSettings.Kind.H2;
    if (h2) {
      createDirectory(dataDir);
    }
    Connection connection = awaitConnection(db, dataDir);
    Optional<Connection> held = h2 ? Optional.of(connection) : Optional.empty();
    if (!h2) {
      closeQuietly(connection);
    }
    MigrateResult migrated;
    try {
      migrated = SchemaMigration.migrate(db);
    } catch (FlywayException e) {
      held.ifPresent(DatabaseStart::closeQuietly);
      throw new StartFailure(ExitCode.DATABASE, where(db, dataDir) + ": the schema migration failed: " + e.getMessage(), e);
    }
    try {
      refuseFirstFormat(db, dataDir);
    } catch (StartFailure e) {
      held.ifPresent(DatabaseStart::closeQuietly);
      throw e;
    }
    return new Ready(migrated, held);
  }

  /**
   * Version 0.1 kept one entity per tuple, whose events this version cannot read; its totals would silently be
   * missing from every answer, so a database holding them is refused rather than served.
   */
  private static void refuseFirstFormat(DatabaseSettings db, Path dataDir) {
    try (Connection c = DriverManager.getConnection(db.url(), connectionProperties(db));
        var statement = c.prepareStatement(
            "SELECT 1 FROM \"event_journal\" WHERE \"persistence_id\" >= 'FlowAggregate|'"
                + " AND \"persistence_id\" < 'FlowAggregate}' LIMIT 1");
        var rows = statement.executeQuery()) {
      if (rows.next()) {
        throw new StartFailure(
            ExitCode.DATABASE,
            where(db, dataDir) + ": holds totals in the format of flowagg 0.1 (one entity per tuple), which this"
                + " version does not read; start on a new " + (db.kind() == DatabaseSettings.Kind.H2
                    ? "FLOWAGG_DATA_DIR" : "database") + ", or keep running 0.1 on this one");
      }
    } catch (SQLException e) {
      throw new StartFailure(ExitCode.DATABASE, where(db, dataDir) + ": " + reason(e), e);
    }
  }

  private static void createDirectory(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new StartFailure(
          ExitCode.UNUSABLE_FILE,
          "FLOWAGG_DATA_DIR=" + dataDir + ": cannot create the directory: " + IoReason.of(e)
              + "; choose a directory this user may write");
    }
    if (!Files.isWritable(dataDir)) {
      throw new StartFailure(
          ExitCode.UNUSABLE_FILE,
          "FLOWAGG_DATA_DIR=" + dataDir + ": the directory is not writable; choose a directory this user may write");
    }
  }

  private static Connection awaitConnection(DatabaseSettings db, Path dataDir) {
    long deadline = System.nanoTime() + db.startTimeout().toNanos();
    Duration pause = FIRST_PAUSE;
    for (int attempt = 1; ; attempt++) {
      try {
        Connection connection = H2Restart.track(DriverManager.getConnection(db.url(), connectionProperties(db)));
        if (attempt > 1) {
          log.info("database reachable after {} attempts: {}", attempt, db.description());
        }
        return connection;
      } catch (SQLException e) {
        if (!mayAnswerLater(e)) {
          throw refused(db, dataDir, e);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new StartFailure(
              ExitCode.DATABASE,
              "FLOWAGG_DB_URL=" + db.url() + ": cannot connect: " + reason(e) + " (tried " + attempt + " times in "
                  + db.startTimeout().toSeconds() + " s, FLOWAGG_DB_START_TIMEOUT); start the database or fix"
                  + " FLOWAGG_DB_URL");
        }
        Duration wait = Duration.ofNanos(Math.min(pause.toNanos(), left));
        log.warn("database not reachable: {}: {} (attempt {}); trying again in {} ms, for at most {} s more",
            db.url(), reason(e), attempt, wait.toMillis(), TimeUnit.NANOSECONDS.toSeconds(left));
        sleep(wait);
        pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
      }
    }
  }

  // SQL state class 08 is "connection exception"; 57P03 is PostgreSQL's "the database system is starting up".
  private static boolean mayAnswerLater(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.equals("57P03"));
  }

  private static StartFailure refused(DatabaseSettings db, Path dataDir, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (db.kind() == DatabaseSettings.Kind.H2 && e.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
      return new StartFailure(
          ExitCode.DATABASE,
          "FLOWAGG_DATA_DIR=" + dataDir + ": the database there is in use by another process (another node with this"
              + " data directory?); stop it or give this node its own FLOWAGG_DATA_DIR");
    }
    if (state.startsWith("28")) {
      return new StartFailure(
          ExitCode.DATABASE,
          "FLOWAGG_DB_USER=" + db.user() + ": the database refused the login: " + reason(e)
              + "; fix FLOWAGG_DB_USER or FLOWAGG_DB_PASSWORD");
    }
    return new StartFailure(ExitCode.DATABASE, where(db, dataDir) + ": " + reason(e));
  }

  private static String where(DatabaseSettings db, Path dataDir) {
    return db.kind() == DatabaseSettings.Kind.H2 ? "FLOWAGG_DATA_DIR=" + dataDir : "FLOWAGG_DB_URL=" + db.url();
  }

  private static Properties connectionProperties(DatabaseSettings db) {
    Properties properties = new Properties();
    properties.setProperty("user", db.user());
    properties.setProperty("password", db.password());
    if (db.kind() == DatabaseSettings.Kind.POSTGRESQL) {
      // Seconds; an address that drops packets would otherwise hold each try for the driver's default 10 s.
      properties.setProperty("connectTimeout", "5");
    }
    return properties;
  }

  /** The driver's message without its advice, or the network error under it. */
  private static String reason(SQLException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root instanceof IOException io ? io.toString() : e.getMessage();
    return message == null ? e.toString() : message.lines().findFirst().orElse(message);
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("closing the database connection: {}", e.toString());
    }
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartFailure(ExitCode.FAILED, "interrupted while waiting for the database");
    }
  }
}
