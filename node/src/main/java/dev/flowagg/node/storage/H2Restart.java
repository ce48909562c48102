package dev.flowagg.node.storage;

import java.nio.channels.OverlappingFileLockException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings embedded H2 back after a failed write, without a restart.
 *
 * <p>When H2 cannot write its file (a full disk) it stops that database in memory for good: its sessions answer
 * "The database has been closed", and new connections join it rather than open the file again. A stopped database
 * that is shut down lets the next connection open the file afresh (H2 recovers it to its last commit). Two traps
 * are avoided here: a database stopped in the middle of a write can keep its file lock when shut down, so the file
 * is released explicitly; and H2 forgets an open database by its name, so a stopped database whose last session
 * closes after a new one has opened makes H2 forget the new one while it holds the file ("Database may be already
 * in use" from then on). Every database the node's connections reached is therefore remembered
 * ({@link H2DataSource}); a stopped one is shut down, and a file held by a forgotten one is freed by shutting down
 * every database this process still has open, so that all connections start again on one.
 */
public final class H2Restart {

  private static final Logger log = LoggerFactory.getLogger(H2Restart.class);
  private static final Set<Database> seen = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private H2Restart() {}

  /** Remembers the H2 database {@code connection} reached (other connections pass through); returns it. */
  public static Connection track(Connection connection) throws SQLException {
    if (connection.isWrapperFor(JdbcConnection.class)
        && connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session) {
      seen.add(session.getDatabase());
    }
    return connection;
  }

  /** Shuts stopped databases down and frees a file held by a forgotten one; the health probe calls it each turn. */
  static void recover(H2DataSource source) {
    for (Database database : snapshot()) {
      if (!database.isClosing() && stopped(database)) {
        shutDown(database);
        log.warn("the embedded database stopped after a failed write; it is opened again on the next connection");
      }
    }
    try (Connection connection = source.getConnection(); Statement s = connection.createStatement()) {
      s.execute("SELECT 1");
    } catch (SQLException e) {
      if (heldInThisProcess(e)) {
        List<Database> open = snapshot().stream().filter(d -> !d.isClosing()).toList();
        open.forEach(H2Restart::shutDown);
        log.warn("the database file was held by {} database(s) left open by an earlier failed write; they are shut"
            + " down and the file is opened again on the next connection", open.size());
      }
    }
  }

  private static List<Database> snapshot() {
    synchronized (seen) {
      return new ArrayList<>(seen);
    }
  }

  private static boolean stopped(Database database) {
    return database.getStore() != null && database.getStore().getMvStore().isClosed();
  }

  private static boolean heldInThisProcess(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OverlappingFileLockException) {
        return true;
      }
    }
    return false;
  }

  private static void shutDown(Database database) {
    try {
      database.shutdownImmediately();
    } catch (RuntimeException e) {
      log.debug("shutting the stopped database down: {}", e.toString());
    }
    // A store stopped in the middle of a write can skip closing its file; closing twice is harmless.
    try {
      if (database.getStore() != null && database.getStore().getMvStore().getFileStore() != null) {
        database.getStore().getMvStore().getFileStore().close();
      }
    } catch (RuntimeException alreadyClosed) {
      log.debug("the stopped database's file was closed already: {}", alreadyClosed.toString());
    }
    seen.remove(database);
  }
}
