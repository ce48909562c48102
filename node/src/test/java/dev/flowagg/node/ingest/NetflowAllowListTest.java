package dev.flowagg.node.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.testing.InProcessNode;
import dev.flowagg.node.testing.NodeProcess;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSession;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FLOWAGG_NETFLOW_ALLOW on a real node: other exporters' datagrams are dropped and counted, allowed ones add up exactly. */
class NetflowAllowListTest {

  private static final long HOUR_MS = 3_600_000L;

  @Test
  void datagramsFromOutsideTheAllowListAreDroppedAndCountedPerSource() throws Exception {
    int port = NodeProcess.freePort();
    try (InProcessNode node =
        InProcessNode.start(
            InProcessNode.withNetflow(port, Map.of("flowagg.ingest.netflow-allow", "2001:db8::/32, 127.0.0.1/32")))) {
      long allowedHour = 490_000;
      long refusedHour = 490_010;
      List<byte[]> allowed =
          new ExportSession(ExportSettings.of(ExportFormat.NETFLOW_V9, allowedHour * HOUR_MS - 60_000))
              .encode(NetflowIngestTest.traffic(allowedHour, 300, 11, true), (allowedHour + 1) * HOUR_MS);
      List<byte[]> refused =
          new ExportSession(ExportSettings.of(ExportFormat.IPFIX, refusedHour * HOUR_MS - 60_000))
              .encode(NetflowIngestTest.traffic(refusedHour, 200, 12, false), (refusedHour + 1) * HOUR_MS);
      InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
      // Interleaved, so the receiver switches between an allowed and a refused source datagram by datagram.
      try (DatagramChannel outsider = DatagramChannel.open();
          DatagramChannel exporter = DatagramChannel.open()) {
        outsider.bind(new InetSocketAddress("127.0.0.2", 0));
        exporter.bind(new InetSocketAddress("127.0.0.1", 0));
        for (int i = 0; i < Math.max(allowed.size(), refused.size()); i++) {
          if (i < refused.size()) {
            outsider.send(ByteBuffer.wrap(refused.get(i)), target);
          }
          if (i < allowed.size()) {
            exporter.send(ByteBuffer.wrap(allowed.get(i)), target);
          }
        }
      }
      String expected = NetflowIngestTest.expectedRows(allowed).get(allowedHour);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(node.http.get("/flows?hour=" + allowedHour).body()).isEqualTo(expected));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(node.http.get("/ingest/stats").body())
                      .contains("\"datagrams_dropped_not_allowed\":" + refused.size())
                      .contains(
                          "\"not_allowed\":{\"sources\":[{\"source\":\"127.0.0.2\",\"datagrams\":" + refused.size()
                              + "}],\"untracked_sources_datagrams\":0}"));
      assertThat(node.http.get("/flows?hour=" + refusedHour).body()).isEqualTo("[]");
      assertThat(node.http.get("/ingest/stats").body()).doesNotContain("\"exporter\":\"127.0.0.2\"");
    }
  }
}
