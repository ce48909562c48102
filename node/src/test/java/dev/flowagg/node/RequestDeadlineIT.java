package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.testing.InProcessNode;
import dev.flowagg.node.testing.PostgresDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When the journal does not answer in time (a test session holds an exclusive lock on it), writes are answered 503
 * with a JSON body and Retry-After, never 500 and never 200; once the journal is back, each such write turns out
 * applied whole or not at all, and a retry with its Idempotency-Key applies it exactly once.
 */
class RequestDeadlineIT {

  private static final String BODY =
      "[" + tuple("a", 10) + "," + tuple("b", 20) + "," + tuple("c", 30) + "," + tuple("a", 1) + "]";

  private static String tuple(String src, long tx) {
    return "{\"src_app\":\"" + src + "\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":" + tx
        + ",\"bytes_rx\":1,\"hour\":800}";
  }

  /** GET /flows?hour=800 when BODY was applied {@code times} times. */
  private static String applied(int times) {
    return "[" + row("a", 11 * times, 2 * times) + "," + row("b", 20 * times, times) + ","
        + row("c", 30 * times, times) + "]";
  }

  private static String row(String src, long tx, long rx) {
    return "{\"src_app\":\"" + src + "\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":" + tx + ",\"bytes_rx\":" + rx
        + ",\"hour\":800}";
  }

  private static InProcessNode nodeOn(PostgresDatabase db, Map<String, Object> more) {
    Map<String, Object> settings = new java.util.HashMap<>(more);
    settings.put("flowagg.db.url", db.url());
    settings.put("flowagg.db.user", db.nodeEnv().get("FLOWAGG_DB_USER"));
    settings.put("flowagg.db.password", db.nodeEnv().get("FLOWAGG_DB_PASSWORD"));
    settings.put("flowagg.ingest.netflow-port", 0);
    return InProcessNode.start(settings);
  }

  /** A session holding an exclusive lock on the journal: every read and write of it waits until close. */
  private static Connection lockJournal(PostgresDatabase db) throws SQLException {
    Connection c =
        DriverManager.getConnection(db.url(), db.nodeEnv().get("FLOWAGG_DB_USER"), db.nodeEnv().get("FLOWAGG_DB_PASSWORD"));
    c.setAutoCommit(false);
    c.createStatement().execute("LOCK TABLE event_journal IN ACCESS EXCLUSIVE MODE");
    return c;
  }

  private static void assertUnavailable(HttpResponse<String> r, String why) {
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.headers().firstValue("Retry-After")).contains("1");
    assertThat(r.body()).startsWith("{\"error\":\"" + why).contains("retry it with the same Idempotency-Key");
  }

  @Test
  void aBlockedJournalGives503AndAKeyedRetryAppliesTheWriteOnce() throws Exception {
    try (PostgresDatabase db = new PostgresDatabase();
        InProcessNode node = nodeOn(db, Map.of("flowagg.http.request-timeout", "2s"))) {
      assertThat(node.http.postJson("/flows", BODY).statusCode()).isEqualTo(200);

      HttpResponse<String> plain;
      HttpResponse<String> keyed;
      try (Connection lock = lockJournal(db)) {
        long started = System.nanoTime();
        plain = node.http.postJson("/flows", BODY);
        keyed = node.http.post("/flows", "application/json", BODY, "deadline-key");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        lock.rollback();
      }
      assertUnavailable(plain, "the aggregator did not answer within 2000 ms");
      assertUnavailable(keyed, "the aggregator did not answer within 2000 ms");

      // Both outcomes were unknown. The plain write's commits had all been sent: once the journal is back it is
      // applied whole. The keyed write may or may not have gone on after its 503; the retry with its key makes it
      // applied exactly once, however often it is sent.
      HttpResponse<String> retry = node.http.post("/flows", "application/json", BODY, "deadline-key");
      assertThat(retry.statusCode()).isEqualTo(200);
      assertThat(retry.body()).isEqualTo("{\"accepted\":4}");
      assertThat(node.http.post("/flows", "application/json", BODY, "deadline-key").body()).isEqualTo(retry.body());
      await().atMost(Duration.ofSeconds(20)).untilAsserted(
          () -> assertThat(node.http.get("/flows?hour=800").body()).isEqualTo(applied(3)));
    }
  }

  @Test
  void pekkosOwnRequestTimeoutAnswersTheSameJson503() throws Exception {
    try (PostgresDatabase db = new PostgresDatabase();
        InProcessNode node =
            nodeOn(db, Map.of("flowagg.http.request-timeout", "10s", "pekko.http.server.request-timeout", "1s"))) {
      // A cold node's first write may itself take longer than 1 s: sent with a key until it is answered 200.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> node.http.post("/flows", "application/json", BODY, "seed").statusCode() == 200);
      HttpResponse<String> r;
      try (Connection lock = lockJournal(db)) {
        r = node.http.post("/flows", "application/json", BODY, "pekko-timeout-key");
        lock.rollback();
      }
      assertUnavailable(r, "the request took longer than the server's limit");
      // With a 1 s limit the first retries may meet it too (the journal's backlog); a client retries until 200.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> node.http.post("/flows", "application/json", BODY, "pekko-timeout-key").statusCode() == 200);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(
          () -> assertThat(node.http.get("/flows?hour=800").body()).isEqualTo(applied(2)));
    }
  }
}
