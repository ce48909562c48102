package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.testing.FlowTotals;
import dev.flowagg.node.testing.NodeProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An Idempotency-Key outlives a SIGKILL: after the restart a retry is answered like the first, and applied once. */
class IdempotencyRestartIT {

  @Test
  void aRetryAfterSigkillAndRestartIsNotAppliedAgain() throws Exception {
    String body = FlowTotals.records(List.of("x", "y"), "db", "vpc-0", List.of(7L, 9L), 990);
    String other = FlowTotals.records(List.of("x"), "db", "vpc-0", List.of(1L), 990);
    try (NodeProcess node = NodeProcess.configure(Files.createTempDirectory("flowagg-idem-restart"), Map.of()).start()) {
      HttpResponse<String> first = node.http.post("/flows", "application/json", body, "restart-key");
      assertThat(first.statusCode()).isEqualTo(200);
      String totals = node.http.get("/flows?hour=990").body();
      node.kill();

      node.start();
      HttpResponse<String> retry = node.http.post("/flows", "application/json", body, "restart-key");
      assertThat(retry.statusCode()).isEqualTo(200);
      assertThat(retry.body()).isEqualTo(first.body());
      assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(node.http.post("/flows", "application/json", other, "restart-key").statusCode()).isEqualTo(422);
      assertThat(node.http.get("/flows?hour=990").body()).isEqualTo(totals).contains("\"bytes_tx\":7,");
    }
  }
}
