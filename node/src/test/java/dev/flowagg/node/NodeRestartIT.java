package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.testing.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node killed with SIGKILL after it acknowledged writes serves exactly the same totals once started again. */
class NodeRestartIT {

  private static String record(String src, long tx, long rx, long hour) {
    return "{\"src_app\":\"" + src + "\",\"dest_app\":\"db\",\"vpc_id\":\"vpc-0\",\"bytes_tx\":" + tx + ",\"bytes_rx\":"
        + rx + ",\"hour\":" + hour + "}";
  }

  @Test
  void everythingAcknowledgedSurvivesSigkill() throws Exception {
    Path dataDir = Files.createTempDirectory("flowagg-restart");
    try (NodeProcess node = NodeProcess.configure(dataDir, Map.of()).start()) {
      for (int i = 0; i < 50; i++) {
        StringBuilder batch = new StringBuilder("[");
        for (int j = 0; j < 40; j++) {
          batch.append(j == 0 ? "" : ",").append(record("app-" + j, i + 1, 2L * j, 100 + (j % 3)));
        }
        assertThat(node.http.postJson("/flows", batch.append("]").toString()).statusCode()).isEqualTo(200);
      }
      // The last write is acknowledged immediately before the kill: it must be on disk already.
      assertThat(node.http.postJson("/flows", record("last-one", 7, 8, 100)).statusCode()).isEqualTo(200);
      String[] before = {
        node.http.get("/flows?hour=100").body(), node.http.get("/flows?hour=101").body(), node.http.get("/flows?hour=102").body()
      };
      node.kill();

      node.start();
      String[] after = {
        node.http.get("/flows?hour=100").body(), node.http.get("/flows?hour=101").body(), node.http.get("/flows?hour=102").body()
      };
      assertThat(after).containsExactly(before);
      assertThat(after[0]).contains("\"src_app\":\"last-one\",\"dest_app\":\"db\",\"vpc_id\":\"vpc-0\",\"bytes_tx\":7");
      // 50 batches added 1..50 to app-0's bytes_tx
      assertThat(after[0]).contains("{\"src_app\":\"app-0\",\"dest_app\":\"db\",\"vpc_id\":\"vpc-0\",\"bytes_tx\":1275,");
    }
  }
}
