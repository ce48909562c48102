package dev.flowagg.node.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowagg.node.testing.InProcessNode;
import dev.flowagg.node.testing.NodeProcess;
import dev.flowagg.node.testing.PrometheusText;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSession;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.FlowSpec;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The table of deltas waiting to be stored is bounded by distinct (tuple, hour) entries: past the bound datagrams
 * are dropped under their own reason, per exporter; past half of it, an exporter sending far more than the others
 * is dropped first, so a flood does not take the others' room. Nothing is delivered here (the flush interval is an
 * hour), so the table only grows.
 */
class PendingBoundTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long HOUR_MS = 3_600_000L;
  private static final long HOUR = 480_600;

  /** Datagrams of {@code flows} flows, each between a client of its own and one server. */
  private static List<byte[]> datagrams(int firstClient, int flows) {
    List<FlowSpec> specs = new ArrayList<>();
    for (int i = 0; i < flows; i++) {
      int c = firstClient + i;
      specs.add(FlowSpec.of("10." + (c >> 16 & 255) + "." + (c >> 8 & 255) + "." + (c & 255), "172.16.0.1",
          40000 + i % 20000, 443, 6, 1000, 2, HOUR * HOUR_MS + 1000L * (i % 3000)));
    }
    return new ExportSession(ExportSettings.of(ExportFormat.NETFLOW_V9, HOUR * HOUR_MS - 1000))
        .encode(specs, (HOUR + 1) * HOUR_MS);
  }

  private static void send(String from, int port, List<byte[]> datagrams) throws Exception {
    try (DatagramChannel exporter = DatagramChannel.open()) {
      exporter.bind(new InetSocketAddress(from, 0));
      for (byte[] d : datagrams) {
        exporter.send(ByteBuffer.wrap(d), new InetSocketAddress("127.0.0.1", port));
      }
    }
  }

  private static JsonNode stats(InProcessNode node) throws Exception {
    return JSON.readTree(node.http.get("/ingest/stats").body());
  }

  private static long received(InProcessNode node) throws Exception {
    return stats(node).path("listener").path("datagrams_received").asLong();
  }

  private static long dropped(InProcessNode node) throws Exception {
    return stats(node).path("listener").path("datagrams_dropped_pending_full").asLong();
  }

  /** Every datagram received has been decoded or dropped (nothing is waiting in the receive batches). */
  private static boolean settled(InProcessNode node) throws Exception {
    JsonNode s = stats(node);
    long decoded = 0;
    for (JsonNode e : s.path("exporters")) {
      decoded += e.path("datagrams").asLong();
    }
    JsonNode l = s.path("listener");
    return decoded + l.path("datagrams_dropped_pending_full").asLong() + l.path("datagrams_dropped_over_share").asLong()
        == l.path("datagrams_received").asLong();
  }

  private static InProcessNode node(int port, int maxPending) {
    Map<String, Object> settings = new java.util.HashMap<>(InProcessNode.withNetflow(port, Map.of()));
    settings.put("flowagg.ingest.flush-interval", "1h");
    settings.put("flowagg.ingest.max-pending-entries", maxPending);
    settings.put("flowagg.ingest.log-interval", "1s");
    return InProcessNode.start(settings);
  }

  @Test
  void pastTheBoundDatagramsAreDroppedUnderTheirOwnReasonAndCountedPerExporter() throws Exception {
    int port = NodeProcess.freePort();
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    Logger ingestLog = (Logger) LoggerFactory.getLogger(IngestActor.class);
    warnings.start();
    ingestLog.addAppender(warnings);
    try (InProcessNode node = node(port, 500)) {
      List<byte[]> first = datagrams(0, 600);
      send("127.0.0.2", port, first);
      // Received is counted as datagrams come off the socket; the flows once decoded.
      await().atMost(Duration.ofSeconds(20)).until(() -> received(node) == first.size() && settled(node));
      JsonNode s = stats(node);
      long pending = s.path("aggregation").path("pending_entries").asLong();
      long dropped = s.path("listener").path("datagrams_dropped_pending_full").asLong();
      assertThat(pending).isGreaterThanOrEqualTo(500);
      // The table is at its bound: nothing more gets in, and every datagram dropped is counted, per exporter.
      List<byte[]> more = datagrams(10_000, 300);
      send("127.0.0.2", port, more);
      long droppedNow = dropped + more.size();
      await().atMost(Duration.ofSeconds(20)).until(() -> dropped(node) == droppedNow);
      s = stats(node);
      assertThat(s.path("aggregation").path("pending_entries").asLong()).isEqualTo(pending);
      assertThat(s.path("listener").path("datagrams_dropped_pending_full").asLong()).isEqualTo(droppedNow);
      assertThat(s.path("listener").path("datagrams_dropped_busy").asLong()).isZero();
      assertThat(s.path("dropped_by_exporter").toString())
          .contains("{\"exporter\":\"127.0.0.2\",\"pending_full\":" + droppedNow + ",\"over_share\":0}");
      assertThat(PrometheusText.parse(node.http.get("/metrics").body()).value(
              "flowagg_ingest_exporter_dropped_datagrams_total", "exporter", "127.0.0.2", "reason", "pending_full"))
          .isEqualTo(droppedNow);
      // And in the log, at most once per log interval.
      await().atMost(Duration.ofSeconds(20)).until(() -> warnings.list.stream().anyMatch(
          e -> e.getFormattedMessage().startsWith("NetFlow datagrams dropped in the last 1 s: ")
              && e.getFormattedMessage().contains(" pending_full ")));
    } finally {
      ingestLog.detachAppender(warnings);
    }
  }

  @Test
  void underPressureAnExporterFarAboveItsShareIsDroppedAndTheOthersAreNot() throws Exception {
    int port = NodeProcess.freePort();
    try (InProcessNode node = node(port, 4000)) {
      List<byte[]> quiet = datagrams(100_000, 30);
      send("127.0.0.3", port, quiet);
      await().atMost(Duration.ofSeconds(20)).until(() -> received(node) == quiet.size() && settled(node));
      // The flood fills more than half of the table; from then on what it sends beyond twice the others' (and some
      // slack) is over its share.
      List<byte[]> flood = datagrams(0, 2500);
      send("127.0.0.2", port, flood);
      await().atMost(Duration.ofSeconds(20)).until(() -> received(node) == quiet.size() + flood.size() && settled(node));
      List<byte[]> moreFlood = datagrams(50_000, 2000);
      send("127.0.0.2", port, moreFlood);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> received(node) == quiet.size() + flood.size() + moreFlood.size() && settled(node));
      List<byte[]> quietAgain = datagrams(200_000, 30);
      send("127.0.0.3", port, quietAgain);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> received(node) == quiet.size() + flood.size() + moreFlood.size() + quietAgain.size()
              && settled(node));
      JsonNode s = stats(node);
      assertThat(s.path("listener").path("datagrams_dropped_over_share").asLong()).isPositive();
      assertThat(s.path("listener").path("datagrams_dropped_pending_full").asLong()).isZero();
      String byExporter = s.path("dropped_by_exporter").toString();
      assertThat(byExporter).contains("\"exporter\":\"127.0.0.2\"").doesNotContain("127.0.0.3");
    }
  }
}
