package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.testing.ClusterHarness;
import dev.flowagg.node.testing.NetflowTotals;
import dev.flowagg.node.testing.NodeProcess;
import dev.flowagg.protocol.netflow.TemplateRecords;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSession;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.FlowSpec;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An exporter's templates reach every node and outlive a node restart: data-only datagrams decode on a node that
 * never received the templates, and on a node killed and started again, without the exporter resending them.
 */
class TemplateSharingIT {

  private static final long HOUR_MS = 3_600_000L;
  private static final String EXPORTER = "127.0.0.1";

  /** One exporter: a first datagram with its templates (and one flow), then data-only datagrams. */
  private record Export(byte[] withTemplates, List<byte[]> dataOnly, String expectedFirst, String expected) {}

  private static Export export(ExportFormat format, long hour, int samplingRate) {
    ExportSession session = new ExportSession(ExportSettings.of(format, hour * HOUR_MS - 1000)
        .withTemplateRefreshEvery(1_000_000).withSamplingRate(samplingRate));
    List<byte[]> first = session.encode(flows(hour, 0, 1), (hour + 1) * HOUR_MS);
    List<byte[]> rest = session.encode(flows(hour, 1, 300), (hour + 1) * HOUR_MS);
    assertThat(first).hasSize(1);
    List<byte[]> all = new ArrayList<>(first);
    all.addAll(rest);
    for (byte[] d : rest) {
      List<Object> templates = new ArrayList<>();
      TemplateRecords.scan(ByteBuffer.wrap(d), templates::add);
      assertThat(templates).as("data-only datagrams carry no template").isEmpty();
    }
    return new Export(first.getFirst(), rest, NetflowTotals.expectedRows(first, EXPORTER).get(hour),
        NetflowTotals.expectedRows(all, EXPORTER).get(hour));
  }

  private static List<FlowSpec> flows(long hour, int from, int to) {
    List<FlowSpec> flows = new ArrayList<>();
    for (int i = from; i < to; i++) {
      flows.add(FlowSpec.of("10.7.0." + (i % 30), "10.6.0." + (i % 5), 30000 + i, 443, 6, 500 + i, 2, hour * HOUR_MS + i * 1000L));
    }
    return flows;
  }

  private static void send(DatagramChannel exporter, List<byte[]> datagrams, String host, int port) throws Exception {
    for (byte[] d : datagrams) {
      exporter.send(ByteBuffer.wrap(d), new InetSocketAddress(host, port));
    }
  }

  private static long templateCounter(NodeProcess node, String name) {
    Matcher m = Pattern.compile("\"templates\":\\{[^}]*\"" + name + "\":(\\d+)").matcher(node.http.get("/ingest/stats").body());
    assertThat(m.find()).as("GET /ingest/stats shows templates." + name).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static DatagramChannel exporter() throws Exception {
    DatagramChannel c = DatagramChannel.open();
    c.bind(new InetSocketAddress(EXPORTER, 0));
    return c;
  }

  @Test
  void templatesSentToOneNodeDecodeDataSentToAnother() throws Exception {
    long hour = 480_000;
    // Sampled 1 in 10: the sampling rate (options data) travels with the templates, or node 2's totals are 10x low.
    Export v9 = export(ExportFormat.NETFLOW_V9, hour, 10);
    try (ClusterHarness cluster = new ClusterHarness(3).start();
        DatagramChannel exporter = exporter()) {
      send(exporter, List.of(v9.withTemplates()), ClusterHarness.address(1), cluster.netflowPorts.get(0));
      await().atMost(Duration.ofSeconds(20)).untilAsserted(
          () -> assertThat(templateCounter(cluster.node(2), "replayed")).isGreaterThanOrEqualTo(3));
      // Two flow templates and the sampling options template, its options data included.
      assertThat(templateCounter(cluster.node(1), "shared")).isEqualTo(3);

      send(exporter, v9.dataOnly(), ClusterHarness.address(2), cluster.netflowPorts.get(1));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(
          () -> assertThat(cluster.node(3).http.get("/flows?hour=" + hour).body()).isEqualTo(v9.expected()));
      // Node 2 learned nothing itself, so it shared nothing back.
      assertThat(templateCounter(cluster.node(2), "shared")).isZero();
    }
  }

  @Test
  void aRestartedNodeDecodesDataWithoutATemplateResend() throws Exception {
    long hour = 481_000;
    Export ipfix = export(ExportFormat.IPFIX, hour, 1);
    int port = NodeProcess.freePort();
    Map<String, String> env =
        Map.of("FLOWAGG_NETFLOW_HOST", "127.0.0.1", "FLOWAGG_NETFLOW_PORT", Integer.toString(port),
            "FLOWAGG_FLUSH_INTERVAL", "200ms");
    try (NodeProcess node = NodeProcess.configure(Files.createTempDirectory("flowagg-templates"), env).start();
        DatagramChannel exporter = exporter()) {
      send(exporter, List.of(ipfix.withTemplates()), "127.0.0.1", port);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(
          () -> assertThat(templateCounter(node, "stored")).isEqualTo(ExportSession.templatesOf(ExportFormat.IPFIX).size()));
      await().atMost(Duration.ofSeconds(20)).untilAsserted(
          () -> assertThat(node.http.get("/flows?hour=" + hour).body()).isEqualTo(ipfix.expectedFirst()));
      node.kill();

      node.start();
      send(exporter, ipfix.dataOnly(), "127.0.0.1", port);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(
          () -> assertThat(node.http.get("/flows?hour=" + hour).body()).isEqualTo(ipfix.expected()));
      assertThat(templateCounter(node, "replayed")).isEqualTo(ExportSession.templatesOf(ExportFormat.IPFIX).size());
    }
  }
}
