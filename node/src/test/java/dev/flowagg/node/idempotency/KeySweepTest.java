package dev.flowagg.node.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.settings.DatabaseSettings;
import dev.flowagg.node.testing.InProcessNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A key past its retention is new again, and the sweep deletes its journal rows. */
class KeySweepTest {

  private static String body(long tx) {
    return "[{\"src_app\":\"sweep\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":" + tx + ",\"bytes_rx\":0,\"hour\":9}]";
  }

  private static long keyRows(DatabaseSettings db) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" LIKE 'IdempotencyKey|%'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void anExpiredKeyIsNewAgainAndItsRowsAreSwept() throws Exception {
    try (InProcessNode node =
        InProcessNode.start(
            Map.of("flowagg.idempotency.retention", "2s", "flowagg.idempotency.sweep-interval", "500ms"))) {
      DatabaseSettings db = node.node.settings().database();
      assertThat(node.http.post("/flows", "application/json", body(1), "sweep-key").statusCode()).isEqualTo(200);
      assertThat(node.http.post("/flows", "application/json", body(2), "sweep-key").statusCode()).isEqualTo(422);
      assertThat(keyRows(db)).isEqualTo(2); // started, ended

      await().atMost(Duration.ofSeconds(20)).until(() -> keyRows(db) == 0);

      // Past its retention the key takes a new request, applied under a new write id.
      assertThat(node.http.post("/flows", "application/json", body(2), "sweep-key").statusCode()).isEqualTo(200);
      assertThat(node.http.get("/flows?hour=9").body()).contains("\"bytes_tx\":3,");
      assertThat(node.http.post("/flows", "application/json", body(2), "sweep-key").headers().firstValue("Idempotent-Replayed"))
          .contains("true");
    }
  }
}
