package dev.flowagg.node.idempotency;

import dev.flowagg.node.settings.DatabaseSettings;
import dev.flowagg.node.settings.IdempotencySettings;
import dev.flowagg.node.storage.H2Restart;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the journal rows of idempotency keys older than the retention, every sweep interval on every node (the
 * deletes are idempotent): without it every key ever used would stay stored. A key's events each hold its whole
 * state, so deleting the older ones never changes what a younger one means.
 */
public final class KeySweep {

  private static final Logger log = LoggerFactory.getLogger(KeySweep.class);

  private KeySweep() {}

  public static void start(ActorSystem<?> system, DatabaseSettings db, IdempotencySettings settings) {
    system
        .scheduler()
        .scheduleWithFixedDelay(
            settings.sweepInterval(),
            settings.sweepInterval(),
            () -> sweep(db, System.currentTimeMillis() - settings.retention().toMillis()),
            system.dispatchers().lookup(DispatcherSelector.blocking()));
  }

  /** Deletes the key events written before {@code cutoffMillis}; returns how many. */
  public static int sweep(DatabaseSettings db, long cutoffMillis) {
    // The journal's column layout is ours (db/migration); H2's names are quoted lower case.
    String sql =
        switch (db.kind()) {
          case H2 ->
              "DELETE FROM \"event_journal\" WHERE \"persistence_id\" LIKE ? AND \"write_timestamp\" < ?";
          case POSTGRESQL -> "DELETE FROM event_journal WHERE persistence_id LIKE ? AND write_timestamp < ?";
        };
    try (Connection c = H2Restart.track(DriverManager.getConnection(db.url(), db.user(), db.password()));
        PreparedStatement delete = c.prepareStatement(sql)) {
      delete.setString(1, IdempotencyKey.TYPE_KEY.name() + "|%");
      delete.setLong(2, cutoffMillis);
      int deleted = delete.executeUpdate();
      if (deleted > 0) {
        log.info("idempotency keys past their retention: {} journal rows deleted", deleted);
      }
      return deleted;
    } catch (SQLException | RuntimeException e) {
      log.warn("idempotency key sweep failed (will run again): {}", e.toString());
      return 0;
    }
  }
}
