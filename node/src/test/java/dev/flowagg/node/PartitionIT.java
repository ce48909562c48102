package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.testing.ClusterHarness;
import dev.flowagg.node.testing.IsolatedNetwork;
import dev.flowagg.node.testing.NodeProcess;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A network partition, made with Linux network namespaces: the node cut off from the other two (and from the
 * database) is downed by the split brain resolver and exits, the majority keeps serving reads and writes, and once
 * the link is back and the node restarted it rejoins with exact totals.
 */
class PartitionIT {

  private static String batch(String prefix, int tuples, long tx, long hour) {
    StringBuilder b = new StringBuilder("[");
    for (int t = 0; t < tuples; t++) {
      b.append(t == 0 ? "" : ",").append("{\"src_app\":\"").append(prefix).append(t)
          .append("\",\"dest_app\":\"db\",\"vpc_id\":\"vpc-0\",\"bytes_tx\":").append(tx)
          .append(",\"bytes_rx\":1,\"hour\":").append(hour).append("}");
    }
    return b.append("]").toString();
  }

  /** GET shows exactly {@code tuples} rows, each with these totals. */
  private static void assertTotals(String body, int tuples, long bytesTx, long bytesRx) {
    assertThat(body.split("\"bytes_tx\":" + bytesTx + ",\"bytes_rx\":" + bytesRx + ",", -1)).hasSize(tuples + 1);
    assertThat(body.split("\\{", -1)).hasSize(tuples + 1);
  }

  @Test
  void theCutOffNodeIsDownedTheMajorityServesAndTheNodeRejoinsAfterHealing() throws Exception {
    try (IsolatedNetwork network = IsolatedNetwork.create(3);
        ClusterHarness cluster = ClusterHarness.namespaced(network).start()) {
      for (int i = 0; i < 6; i++) {
        assertThat(cluster.nodes.get(i % 3).http.postJson("/flows", batch("p-", 30, 2, 350)).statusCode())
            .isEqualTo(200);
      }
      assertTotals(cluster.node(1).http.get("/flows?hour=350").body(), 30, 12, 6);

      // Node 1 is the oldest member: it hosts the shard coordinators and leads, so their hand-over is exercised too.
      network.cut(1);
      NodeProcess minority = cluster.node(1);
      OptionalInt exit = minority.awaitExit(Duration.ofSeconds(60));
      assertThat(exit)
          .as("the cut-off node downs itself and its JVM exits with the code that tells a supervisor to restart it")
          .hasValue(ExitCode.DOWNED.code());
      assertThat(minority.logText()).contains("SBR took decision DownReachable");

      // The majority removes node 1 and serves every tuple, then takes writes through either node.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                String view = cluster.node(2).http.get("/cluster", Duration.ofSeconds(2)).body();
                assertThat(view).doesNotContain(network.address(1) + ":");
                assertTotals(cluster.node(3).http.get("/flows?hour=350", Duration.ofSeconds(2)).body(), 30, 12, 6);
              });
      assertThat(cluster.node(2).http.postJson("/flows", batch("p-", 30, 5, 350)).statusCode()).isEqualTo(200);
      assertThat(cluster.node(3).http.postJson("/flows", batch("q-", 10, 9, 351)).statusCode()).isEqualTo(200);
      assertTotals(cluster.node(2).http.get("/flows?hour=350").body(), 30, 17, 7);
      assertTotals(cluster.node(3).http.get("/flows?hour=351").body(), 10, 9, 1);

      network.restore(1);
      minority.start();
      cluster.awaitUpMembers(3);
      for (NodeProcess n : cluster.nodes) {
        assertTotals(n.http.get("/flows?hour=350").body(), 30, 17, 7);
        assertTotals(n.http.get("/flows?hour=351").body(), 10, 9, 1);
      }
    }
  }
}
