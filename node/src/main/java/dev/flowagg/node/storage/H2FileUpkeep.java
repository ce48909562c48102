package dev.flowagg.node.storage;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded H2 file bounded and on disk while the node writes; the health probe runs it every second.
 *
 * <p>H2 never updates in place: each commit writes the pages it changed into a new chunk at the file's end, and a
 * chunk's space is reused once none of its pages is live and it is older than the retention time (see
 * {@link dev.flowagg.node.settings.DatabaseSettings}). With {@code WRITE_DELAY=0}, which makes every commit reach the
 * file before the write is acknowledged, H2 runs no housekeeping thread of its own: a chunk that keeps one live page
 * (a tuple's name, the newest journal event) is never freed, and the file grows. Each turn here therefore
 * <ol>
 *   <li>forces the file to the disk, so that chunks older than a second survive a power loss and the short
 *       retention time is safe to reuse their space after, and</li>
 *   <li>moves the live pages out of sparse chunks older than the retention time, a few MB at a time, so that those
 *       chunks die and their space is reused.</li>
 * </ol>
 */
final class H2FileUpkeep {

  private static final Logger log = LoggerFactory.getLogger(H2FileUpkeep.class);
  /** Rewrite when less than this share of the chunks' bytes is live. */
  private static final int TARGET_FILL_PERCENT = 50;
  /** Live bytes moved per turn: small beside the write load, enough to outpace what stray pages pin. */
  private static final int MOVE_BYTES_PER_TURN = 4 << 20;

  private H2FileUpkeep() {}

  /** One turn on the database {@code connection} belongs to; failures are left to the health probe to report. */
  static void run(Connection connection) {
    try {
      if (!(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)
          || session.getDatabase().getStore() == null) {
        return;
      }
      MVStore store = session.getDatabase().getStore().getMvStore();
      if (store.isClosed() || store.isReadOnly()) {
        return;
      }
      store.sync();
      if (store.compact(TARGET_FILL_PERCENT, MOVE_BYTES_PER_TURN)) {
        // The moved pages are written by the next commit; make it now, so an idle node frees space too.
        store.commit();
      }
    } catch (SQLException | RuntimeException e) {
      log.debug("H2 file upkeep skipped this turn: {}", e.toString());
    }
  }
}
