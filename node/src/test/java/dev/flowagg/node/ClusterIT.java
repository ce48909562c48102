package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.testing.NodeProcess;
import dev.flowagg.node.testing.PostgresDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Three node JVMs on one PostgreSQL journal: any node takes writes and serves every tuple. */
class ClusterIT {

  private static String record(String src, long tx, long hour) {
    return "{\"src_app\":\"" + src + "\",\"dest_app\":\"db\",\"vpc_id\":\"vpc-0\",\"bytes_tx\":" + tx
        + ",\"bytes_rx\":1,\"hour\":" + hour + "}";
  }

  @Test
  void threeNodesShareTheTotals() throws Exception {
    try (PostgresDatabase db = new PostgresDatabase()) {
      List<NodeProcess> nodes = new ArrayList<>();
      try {
        int seedPort = NodeProcess.freePort();
        for (int i = 1; i <= 3; i++) {
          Map<String, String> env = new HashMap<>(db.nodeEnv());
          // Each node on its own loopback address, as separate hosts would be.
          env.put("FLOWAGG_HTTP_HOST", "127.0.0." + (i + 1));
          env.put("FLOWAGG_CLUSTER_HOST", "127.0.0." + (i + 1));
          env.put("FLOWAGG_SEED_NODES", "127.0.0.2:" + seedPort);
          env.put("FLOWAGG_NETFLOW_PORT", "0");
          if (i == 1) {
            env.put("FLOWAGG_CLUSTER_PORT", Integer.toString(seedPort));
          }
          nodes.add(NodeProcess.configure(Files.createTempDirectory("flowagg-node" + i), env));
        }
        // All three start at once: their schema migrations race, and must not fail.
        CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n::start)).toArray(CompletableFuture[]::new))
            .join();
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> assertThat(nodes.get(2).http.get("/cluster").body().split("\"status\":\"Up\"", -1)).hasSize(4));

        for (int i = 0; i < 30; i++) {
          NodeProcess via = nodes.get(i % 3);
          StringBuilder batch = new StringBuilder("[");
          for (int t = 0; t < 20; t++) {
            batch.append(t == 0 ? "" : ",").append(record("app-" + t, i + 1, 300));
          }
          assertThat(via.http.postJson("/flows", batch.append("]").toString()).statusCode()).isEqualTo(200);
        }
        String expected = nodes.get(0).http.get("/flows?hour=300").body();
        assertThat(expected).contains("{\"src_app\":\"app-0\",\"dest_app\":\"db\",\"vpc_id\":\"vpc-0\",\"bytes_tx\":465,");
        assertThat(expected.split("\\{", -1)).hasSize(21);
        for (NodeProcess n : nodes) {
          assertThat(n.http.get("/flows?hour=300").body()).isEqualTo(expected);
        }
        // The tuples are spread: more than one node hosts flow entities.
        String cluster = nodes.get(0).http.get("/cluster").body();
        assertThat(cluster.split("\"FlowAggregate\":0", -1).length - 1).isLessThan(2);
      } finally {
        nodes.forEach(NodeProcess::close);
      }
    }
  }
}
