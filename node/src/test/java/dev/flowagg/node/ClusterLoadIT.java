package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.testing.ClusterHarness;
import dev.flowagg.node.testing.FlowTotals;
import dev.flowagg.node.testing.FlowTotals.Totals;
import dev.flowagg.node.testing.HttpApi;
import dev.flowagg.node.testing.NodeProcess;
import dev.flowagg.node.testing.WriteLoad;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three node JVMs under continuous keyed POST load through all of them while one is SIGKILLed and started again:
 * clients retry every failed write with its Idempotency-Key (on the next node) until it is acknowledged, and the
 * final totals are exactly the sum of all writes, none counted twice.
 */
class ClusterLoadIT {

  private static final long HOUR = 950;
  private static final int TUPLES = 40;

  /** Five records over tuples shared by all clients, so concurrent writes and retries meet on the same entities. */
  private static WriteLoad.Write write(int client, int n) {
    List<String> src = new ArrayList<>();
    List<Long> tx = new ArrayList<>();
    Map<String, Totals> adds = new HashMap<>();
    for (int k = 0; k < 5; k++) {
      String app = "t" + ((client * 7 + n * 3 + k * 11) % TUPLES);
      long bytes = n + 1 + k;
      src.add(app);
      tx.add(bytes);
      adds.merge(FlowTotals.tuple(app, "db", "vpc-9"), new Totals(bytes, 1), (a, b) -> a.plus(b.bytesTx(), b.bytesRx()));
    }
    return new WriteLoad.Write("load-" + client + "-" + n, FlowTotals.records(src, "db", "vpc-9", tx, HOUR), adds);
  }

  private static String body(String src, long tx) {
    return FlowTotals.records(List.of(src), "db", "vpc-9", List.of(tx), 951);
  }

  @Test
  void keyedRetriesThroughAKilledAndRestartedNodeCountEveryWriteOnce() throws Exception {
    try (ClusterHarness cluster = new ClusterHarness(3, Map.of("FLOWAGG_REQUEST_TIMEOUT", "5s")).start()) {
      // One key, three nodes: applied once, answered alike, and another body under it refused.
      HttpResponse<String> first = cluster.node(1).http.post("/flows", "application/json", body("k", 5), "across-nodes");
      HttpResponse<String> again = cluster.node(2).http.post("/flows", "application/json", body("k", 5), "across-nodes");
      HttpResponse<String> other = cluster.node(3).http.post("/flows", "application/json", body("k", 6), "across-nodes");
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.body()).isEqualTo(first.body());
      assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(other.statusCode()).isEqualTo(422);
      assertThat(cluster.node(3).http.get("/flows?hour=951").body()).contains("\"bytes_tx\":5,");

      List<HttpApi> all = cluster.nodes.stream().map(n -> n.http).toList();
      WriteLoad load = new WriteLoad(all, ClusterLoadIT::write, true).start(3);
      await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged.size() >= 100);

      cluster.node(2).kill();
      int atKill = load.acknowledged.size();
      await().atMost(Duration.ofSeconds(90)).until(() -> load.acknowledged.size() >= atKill + 100);
      cluster.node(2).start();
      cluster.awaitUpMembers(3);
      int atRestart = load.acknowledged.size();
      await().atMost(Duration.ofSeconds(90)).until(() -> load.acknowledged.size() >= atRestart + 100);
      load.stop();

      System.out.println("cluster_load acknowledged=" + load.acknowledged.size() + " failed_attempts="
          + load.failures + " (at kill " + atKill + ", at restart " + atRestart + ")");
      assertThat(load.unacknowledged).isEmpty();
      assertThat(load.unexpected).isEmpty();
      assertThat(new HashSet<>(load.acknowledged.stream().map(WriteLoad.Write::key).toList()))
          .hasSize(load.acknowledged.size());
      Map<String, Totals> expected = WriteLoad.totalsOf(load.acknowledged);
      for (NodeProcess n : cluster.nodes) {
        assertThat(FlowTotals.parse(n.http.get("/flows?hour=" + HOUR).body())).isEqualTo(expected);
      }
    }
  }
}
