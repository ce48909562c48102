package dev.flowagg.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.testing.InProcessNode;
import dev.flowagg.node.testing.NodeProcess;
import dev.flowagg.node.testing.PrometheusText;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSession;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.FlowSpec;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code GET /metrics} of a real node is valid Prometheus text, and its counters move with real traffic. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsEndpointTest {

  private static final long HOUR_MS = 3_600_000L;

  private InProcessNode node;
  private int netflowPort;

  @BeforeAll
  void start() {
    netflowPort = NodeProcess.freePort();
    node =
        InProcessNode.start(
            InProcessNode.withNetflow(netflowPort, Map.of()));
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private PrometheusText scrape() {
    HttpResponse<String> r = node.http.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    return PrometheusText.parse(r.body());
  }

  private static double requests(PrometheusText m, String route, String method, int status) {
    return m.value("flowagg_http_requests_total", "route", route, "method", method, "status", Integer.toString(status));
  }

  @Test
  void declaresEveryDocumentedFamilyWithItsType() {
    node.http.get("/health/alive"); // a family with labels shows once it has a series
    PrometheusText m = scrape();
    assertThat(m.typeOf("flowagg_http_requests_total")).isEqualTo("counter");
    assertThat(m.typeOf("flowagg_http_request_duration_seconds")).isEqualTo("histogram");
    assertThat(m.typeOf("flowagg_entity_persist_duration_seconds")).isEqualTo("histogram");
    assertThat(m.typeOf("flowagg_entity_persist_failures_total")).isEqualTo("counter");
    assertThat(m.typeOf("flowagg_cluster_members")).isEqualTo("gauge");
    assertThat(m.typeOf("flowagg_cluster_unreachable_members")).isEqualTo("gauge");
    assertThat(m.typeOf("flowagg_shards")).isEqualTo("gauge");
    assertThat(m.typeOf("flowagg_entities")).isEqualTo("gauge");
    for (String counter :
        List.of("flowagg_ingest_socket_datagrams", "flowagg_ingest_dropped_datagrams", "flowagg_ingest_receive_errors",
            "flowagg_ingest_deliveries", "flowagg_ingest_delivery_retries")) {
      assertThat(m.typeOf(counter + "_total")).as(counter).isEqualTo("counter");
    }
    for (String gauge :
        List.of("flowagg_ingest_pending_entries", "flowagg_ingest_deliveries_in_flight")) {
      assertThat(m.typeOf(gauge)).as(gauge).isEqualTo("gauge");
    }
    assertThat(m.typeOf("flowagg_kernel_call_duration_seconds")).isEqualTo("histogram");
    if (Files.isReadable(Path.of("/proc/net/snmp"))) {
      assertThat(m.typeOf("flowagg_udp_receive_buffer_errors_total")).isEqualTo("counter");
      assertThat(m.typeOf("flowagg_udp_socket_drops_total")).isEqualTo("counter");
      assertThat(m.has("flowagg_udp_socket_drops_total")).isTrue();
    }
    // The library's JVM instrumentation: memory, GC, threads.
    assertThat(m.has("jvm_memory_used_bytes")).isTrue();
    assertThat(m.typeOf("jvm_gc_collection_seconds")).isEqualTo("summary");
    assertThat(m.has("jvm_threads_current")).isTrue();
    assertThat(m.value("flowagg_cluster_members", "status", "Up")).isEqualTo(1);
  }

  @Test
  void httpCountersMoveWithAPostAGetABadRequestAndAnUnknownPath() {
    PrometheusText before = scrape();
    long hour = 490_001;
    String record =
        "{\"src_app\":\"a\",\"dest_app\":\"b\",\"vpc_id\":\"v\",\"bytes_tx\":1,\"bytes_rx\":2,\"hour\":" + hour + "}";
    assertThat(node.http.postJson("/flows", "[" + record + "]").statusCode()).isEqualTo(200);
    assertThat(node.http.get("/flows?hour=" + hour).statusCode()).isEqualTo(200);
    assertThat(node.http.postJson("/flows", "[{\"src_app\":1}]").statusCode()).isEqualTo(400);
    assertThat(node.http.get("/no/such/path/" + hour).statusCode()).isEqualTo(404);
    PrometheusText after = scrape();

    assertThat(requests(after, "/flows", "POST", 200) - requests(before, "/flows", "POST", 200)).isEqualTo(1);
    assertThat(requests(after, "/flows", "GET", 200) - requests(before, "/flows", "GET", 200)).isEqualTo(1);
    assertThat(requests(after, "/flows", "POST", 400) - requests(before, "/flows", "POST", 400)).isEqualTo(1);
    // Unknown paths share one label: the raw path never becomes a series.
    assertThat(requests(after, "other", "GET", 404) - requests(before, "other", "GET", 404)).isEqualTo(1);
    assertThat(after.sum("flowagg_http_requests_total", "route", "/no/such/path/" + hour)).isZero();
    // The previous scrape is counted once it was answered.
    assertThat(requests(after, "/metrics", "GET", 200)).isGreaterThanOrEqualTo(1);
    assertThat(
            after.value("flowagg_http_request_duration_seconds_count", "route", "/flows", "method", "POST")
                - before.value("flowagg_http_request_duration_seconds_count", "route", "/flows", "method", "POST"))
        .isEqualTo(2);

    // The POST stored a new tuple: its slice persisted an event and wrote its row to the tables, on this node.
    assertThat(after.value("flowagg_entity_persist_duration_seconds_count", "entity", "FlowSlice"))
        .isGreaterThan(before.value("flowagg_entity_persist_duration_seconds_count", "entity", "FlowSlice"));
    assertThat(after.value("flowagg_table_write_duration_seconds_count", "entity", "FlowSlice"))
        .isGreaterThan(before.value("flowagg_table_write_duration_seconds_count", "entity", "FlowSlice"));
    assertThat(after.value("flowagg_table_rows_written_total", "entity", "FlowSlice")
            - before.value("flowagg_table_rows_written_total", "entity", "FlowSlice"))
        .isEqualTo(1);
    assertThat(after.value("flowagg_entity_persist_failures_total", "entity", "FlowSlice")).isZero();
    assertThat(after.value("flowagg_entities", "entity", "FlowSlice")).isGreaterThanOrEqualTo(1);
    assertThat(after.value("flowagg_shards", "entity", "FlowSlice")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void ingestCountersMoveWithNetflowDatagramsByExporterVersionAndReason() throws Exception {
    long hour = 490_100;
    ExportSession session = new ExportSession(ExportSettings.of(ExportFormat.NETFLOW_V9, hour * HOUR_MS - 60_000));
    List<FlowSpec> flows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      flows.add(FlowSpec.of("10.0.0." + (1 + i % 10), "10.1.0.1", 40000 + i, 443, 6, 1000 + i, 2, hour * HOUR_MS + i));
    }
    List<byte[]> datagrams = session.encode(flows, (hour + 1) * HOUR_MS);
    long bytes = datagrams.stream().mapToLong(d -> d.length).sum();
    PrometheusText before = scrape();
    try (DatagramChannel exporter = DatagramChannel.open()) {
      exporter.bind(new InetSocketAddress("127.0.0.3", 0));
      InetSocketAddress target = new InetSocketAddress("127.0.0.1", netflowPort);
      for (byte[] d : datagrams) {
        exporter.send(ByteBuffer.wrap(d), target);
      }
      exporter.send(ByteBuffer.wrap(new byte[] {0, 9, 0}), target); // a v9 header cut after 3 bytes
    }
    String[] v9 = {"exporter", "127.0.0.3", "version", "9"};
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> scrape().value("flowagg_ingest_datagrams_total", v9) == datagrams.size() + 1);
    PrometheusText after = scrape();
    // Per-exporter families appear with the first exporter.
    for (String counter :
        List.of("flowagg_ingest_datagrams_total", "flowagg_ingest_bytes_total", "flowagg_ingest_records_total",
            "flowagg_ingest_templates_total", "flowagg_ingest_decode_errors_total")) {
      assertThat(after.typeOf(counter)).as(counter).isEqualTo("counter");
    }
    assertThat(after.typeOf("flowagg_ingest_sets_waiting_for_template")).isEqualTo("gauge");
    assertThat(after.value("flowagg_ingest_records_total", v9)).isEqualTo(flows.size());
    assertThat(after.value("flowagg_ingest_bytes_total", v9)).isEqualTo(bytes + 3);
    assertThat(after.value("flowagg_ingest_templates_total", v9)).isGreaterThanOrEqualTo(1);
    assertThat(after.value("flowagg_ingest_decode_errors_total",
            "exporter", "127.0.0.3", "version", "9", "reason", "datagram_too_short"))
        .isEqualTo(1);
    assertThat(after.value("flowagg_ingest_sets_waiting_for_template", v9)).isZero();
    assertThat(after.value("flowagg_ingest_socket_datagrams_total") - before.value("flowagg_ingest_socket_datagrams_total"))
        .isEqualTo(datagrams.size() + 1);
    assertThat(after.sum("flowagg_kernel_call_duration_seconds_count"))
        .isGreaterThan(before.sum("flowagg_kernel_call_duration_seconds_count"));
    assertThat(after.sum("flowagg_kernel_call_duration_seconds_bucket", "le", "+Inf"))
        .isEqualTo(after.sum("flowagg_kernel_call_duration_seconds_count"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> scrape().value("flowagg_ingest_deliveries_total") > before.value("flowagg_ingest_deliveries_total"));
  }
}
