package dev.flowagg.node.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.NodeConfig;
import dev.flowagg.node.settings.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class H2FileUpkeepTest {

  private static final int ROWS = 20_000;
  /** Tuples seen for the first time per commit: their names stay, spread over the file's chunks. */
  private static final int NEW_NAMES = 20;

  /**
   * The write pattern that made the file grow: every commit rewrites a range of totals and appends rows that
   * stay (the names of new tuples), so each chunk keeps a live page and H2, which runs no housekeeping of its own under
   * {@code WRITE_DELAY=0}, never frees it.
   */
  @Test
  void chunksPinnedByAFewLivePagesAreFreed() throws Exception {
    Path dir = Files.createTempDirectory("flowagg-upkeep");
    DatabaseSettings db =
        NodeConfig.load(ConfigFactory.parseMap(Map.of("flowagg.data-dir", dir.toString()))).settings().database();
    H2DataSource source = new H2DataSource(db);
    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE totals (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)");
      s.execute("CREATE TABLE names (id BIGINT PRIMARY KEY, name VARCHAR NOT NULL)");
      s.execute("INSERT INTO totals SELECT X, 0 FROM SYSTEM_RANGE(1, " + ROWS + ")");
      c.setAutoCommit(false);
      try (PreparedStatement update = c.prepareStatement("UPDATE totals SET v = v + 1 WHERE id BETWEEN ? AND ?");
          PreparedStatement name = c.prepareStatement("INSERT INTO names VALUES (?, ?)")) {
        for (int commit = 0; commit < 400; commit++) {
          int from = (commit % 10) * (ROWS / 10) + 1;
          update.setLong(1, from);
          update.setLong(2, from + ROWS / 10 - 1);
          update.executeUpdate();
          for (int n = 0; n < NEW_NAMES; n++) {
            int id = commit * NEW_NAMES + n;
            name.setLong(1, id);
            name.setString(2, "10." + (id >> 16) + "." + (id >> 8 & 255) + "." + (id & 255) + " talks to many");
            name.addBatch();
          }
          name.executeBatch();
          c.commit();
        }
      }
      c.setAutoCommit(true);
      Path file = dir.resolve("flowagg.mv.db");
      long before = Files.size(file);

      // Chunks are rewritten once older than the retention time (seconds): turn, as the health probe does, until
      // the file has shrunk. The probe's own write after each turn lets H2 drop the chunks that died meanwhile.
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
        H2FileUpkeep.run(c);
        s.execute("UPDATE totals SET v = v WHERE id = 1");
        return Files.size(file) < before / 3;
      });
      try (ResultSet r = s.executeQuery("SELECT COUNT(*), SUM(v) FROM totals")) {
        r.next();
        assertEquals(ROWS, r.getLong(1));
        assertEquals(400L * ROWS / 10, r.getLong(2), "every total intact");
      }
      s.execute("SHUTDOWN");
    }
  }
}
