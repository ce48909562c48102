package dev.flowagg.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.NodeConfig;
import dev.flowagg.node.settings.DatabaseSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write probe behind readiness, on the embedded database. */
class DatabaseHealthTest {

  @TempDir Path dir;

  private DatabaseSettings h2() {
    DatabaseSettings db = NodeConfig.load(ConfigFactory.parseMap(Map.of("flowagg.data-dir", dir.toString())))
        .settings().database();
    SchemaMigration.migrate(db);
    return db;
  }

  @Test
  void aPoolBusyWithWritesIsNotADatabaseThatIsAway() throws Exception {
    try (Database db = new Database(h2(), "test-busy", 1);
        Connection taken = db.connection();
        DatabaseHealth health = new DatabaseHealth(db, Duration.ofMillis(100), problem -> {})) {
      long probedBefore = probedAt(taken);

      await().atMost(Duration.ofSeconds(20)).until(() -> probedAt(taken) > probedBefore);
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> health.problem() == null);
    }
  }

  @Test
  void theProbeLeavesNoQueryTimeoutOnPooledConnections() throws Exception {
    try (Database db = new Database(h2(), "test-timeout", 2);
        DatabaseHealth health = new DatabaseHealth(db, Duration.ofMillis(50), problem -> {})) {
      long start;
      try (Connection c = db.connection()) {
        start = probedAt(c);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        try (Connection c = db.connection()) {
          return probedAt(c) > start;
        }
      });
      List<Connection> all = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          all.add(db.connection());
        }
        for (Connection c : all) {
          try (Statement s = c.createStatement();
              ResultSet r = s.executeQuery(
                  "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'QUERY_TIMEOUT'")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).as("a pooled session's query timeout").isEqualTo("0");
          }
        }
      } finally {
        for (Connection c : all) {
          c.close();
        }
      }
      assertThat(health.problem()).isNull();
    }
  }

  private static long probedAt(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT probed_at FROM flowagg_health WHERE id = 1")) {
      r.next();
      return r.getLong(1);
    }
  }
}
