package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowagg.node.testing.NetflowSender;
import dev.flowagg.node.testing.NodeProcess;
import dev.flowagg.node.testing.PostgresDatabase;
import dev.flowagg.node.testing.TcpForwarder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * NetFlow that a node received but had not stored survives a SIGKILL (the delivery log), and a slow database only
 * makes deliveries later, never drops a record.
 */
class NetflowDurabilityIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode stats(NodeProcess node) throws Exception {
    return JSON.readTree(node.http.get("/ingest/stats").body());
  }

  private static long received(NodeProcess node) throws Exception {
    return stats(node).path("listener").path("datagrams_received").asLong();
  }

  private static Map<String, String> netflow(int port, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(more);
    env.put("FLOWAGG_NETFLOW_HOST", "127.0.0.1");
    env.put("FLOWAGG_NETFLOW_PORT", Integer.toString(port));
    return env;
  }

  @Test
  void datagramsReceivedButNotYetDeliveredSurviveASigkill() throws Exception {
    int port = NodeProcess.freePort();
    Path data = Files.createTempDirectory("flowagg-kill");
    NetflowSender.Sent sent;
    // Nothing is delivered before the kill: everything received waits in the table.
    try (NodeProcess node = NodeProcess.configure(data, netflow(port, Map.of("FLOWAGG_FLUSH_INTERVAL", "1h")))) {
      node.start();
      sent =
          NetflowSender.send(port, "--records", "60000", "--rate", "30000", "--clients", "300", "--servers", "50",
              "--first-hour", "480000", "--hours", "2");
      await().atMost(Duration.ofSeconds(30)).until(() -> received(node) == sent.datagrams());
      assertThat(stats(node).path("aggregation").path("deliveries").asLong()).isZero();
      node.kill();
    }
    try (NodeProcess node = NodeProcess.configure(data, netflow(port, Map.of()))) {
      node.start();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(
          () -> assertThat(NetflowSender.served(node.http, sent)).isEqualTo(sent.byHour()));
    }
  }

  @Test
  void aDeliveryUnderWayWhenTheNodeIsKilledIsStoredOnceAfterTheRestart() throws Exception {
    int port = NodeProcess.freePort();
    Path data = Files.createTempDirectory("flowagg-kill-delivery");
    try (PostgresDatabase db = new PostgresDatabase();
        TcpForwarder pg = new TcpForwarder("127.0.0.1", PostgresDatabase.serverAddress())) {
      Map<String, String> env = netflow(port, db.nodeEnvVia("127.0.0.1", pg.port()));
      NetflowSender.Sent first;
      NetflowSender.Sent second;
      try (NodeProcess node = NodeProcess.configure(data, env)) {
        node.start();
        first = NetflowSender.send(port, "--records", "20000", "--rate", "20000", "--clients", "200", "--servers",
            "20", "--first-hour", "480100", "--seed", "3");
        await().atMost(Duration.ofSeconds(30)).until(() -> stats(node).path("aggregation").path("deliveries").asLong() > 0
            && stats(node).path("aggregation").path("pending_entries").asLong() == 0
            && stats(node).path("aggregation").path("deliveries_in_flight").asLong() == 0);
        // The database stalls: the next delivery is cut and sent, and never answered.
        pg.pause();
        second = NetflowSender.send(port, "--records", "20000", "--rate", "20000", "--clients", "200", "--servers",
            "20", "--first-hour", "480100", "--seed", "4");
        long total = first.datagrams() + second.datagrams();
        await().atMost(Duration.ofSeconds(30)).until(() -> received(node) == total
            && stats(node).path("aggregation").path("deliveries_in_flight").asLong() == 1);
        node.kill();
      }
      pg.resume();
      try (NodeProcess node = NodeProcess.configure(data, env)) {
        node.start();
        Map<Long, Map<String, dev.flowagg.node.testing.FlowTotals.Totals>> want = new java.util.TreeMap<>();
        for (NetflowSender.Sent s : new NetflowSender.Sent[] {first, second}) {
          s.byHour().forEach((h, rows) -> rows.forEach((k, t) -> want.computeIfAbsent(h, x -> new HashMap<>())
              .merge(k, t, (a, b) -> a.plus(b.bytesTx(), b.bytesRx()))));
        }
        NetflowSender.Sent both = new NetflowSender.Sent(0, want);
        await().atMost(Duration.ofSeconds(90)).untilAsserted(
            () -> assertThat(NetflowSender.served(node.http, both)).isEqualTo(want));
      }
    }
  }

  @Test
  void twoHundredThousandTuplesIntoASlowDatabaseLoseNothing() throws Exception {
    int port = NodeProcess.freePort();
    try (PostgresDatabase db = new PostgresDatabase();
        TcpForwarder pg = new TcpForwarder("127.0.0.1", PostgresDatabase.serverAddress());
        NodeProcess node = NodeProcess.configure(Files.createTempDirectory("flowagg-slow-db"),
            netflow(port, db.nodeEnvVia("127.0.0.1", pg.port())))) {
      node.start();
      // Every round trip to the database takes a few milliseconds more: the slices store far fewer tuple updates
      // per second than the stream brings.
      pg.delayEachChunk(Duration.ofMillis(4));
      NetflowSender.Sent sent = NetflowSender.send(port, "--records", "1500000", "--rate", "150000", "--tuples",
          "210000", "--first-hour", "480200", "--seed", "5");
      assertThat(sent.tuples()).isGreaterThanOrEqualTo(200_000);
      await().atMost(Duration.ofSeconds(30)).until(() -> received(node) == sent.datagrams());
      JsonNode listener = stats(node).path("listener");
      assertThat(listener.path("datagrams_dropped_busy").asLong()).isZero();
      assertThat(listener.path("datagrams_dropped_pending_full").asLong()).isZero();
      pg.delayEachChunk(Duration.ZERO);
      await().atMost(Duration.ofSeconds(180)).untilAsserted(
          () -> assertThat(NetflowSender.served(node.http, sent)).isEqualTo(sent.byHour()));
    }
  }
}
