package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.testing.FlowTotals;
import dev.flowagg.node.testing.FlowTotals.Totals;
import dev.flowagg.node.testing.NodeProcess;
import dev.flowagg.node.testing.OwnPostgres;
import dev.flowagg.node.testing.WriteLoad;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away for 5, 20 and 90 seconds (stopped at once, or its postmaster killed) under a steady write
 * load: readiness tells, requests are refused within 2 s instead of waiting for their deadline, and within seconds of
 * the database's return writes succeed again, without a restart; every acknowledged write is counted exactly once.
 */
class DatabaseOutageIT {

  private static final long HOUR = 480_300;

  private static WriteLoad.Write write(int client, int n) {
    String a = "c" + client + "-" + (n % 50);
    return new WriteLoad.Write("outage-" + client + "-" + n,
        FlowTotals.records(List.of(a, a + "-b"), "db", "vpc-1", List.of(n + 1L, 2L), HOUR),
        Map.of(FlowTotals.tuple(a, "db", "vpc-1"), new Totals(n + 1, 1),
            FlowTotals.tuple(a + "-b", "db", "vpc-1"), new Totals(2, 1)));
  }

  private enum Outage { STOPPED, KILLED }

  @Test
  void requestsFailFastWhileTheDatabaseIsAwayAndWritesResumeSoonAfterItReturns() throws Exception {
    try (OwnPostgres pg = OwnPostgres.start();
        NodeProcess node = NodeProcess.configure(Files.createTempDirectory("flowagg-outage"), pg.nodeEnv()).start()) {
      WriteLoad load = new WriteLoad(List.of(node.http), DatabaseOutageIT::write, true).start(2);
      int acknowledgedBefore = 0;
      for (var outage : List.of(Map.entry(Outage.STOPPED, 5), Map.entry(Outage.KILLED, 20),
          Map.entry(Outage.STOPPED, 90))) {
        int seen = acknowledgedBefore;
        await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged.size() > seen + 20);
        long down = System.nanoTime();
        if (outage.getKey() == Outage.STOPPED) {
          pg.stopImmediately();
        } else {
          pg.killPostmaster();
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
          HttpResponse<String> r = node.http.get("/health/ready");
          return r.statusCode() == 503 && r.body().contains("database");
        });
        long noticed = (System.nanoTime() - down) / 1_000_000;
        // Until the outage has lasted its time, every request is answered 503 at once.
        long worstWrite = 0;
        long worstRead = 0;
        while ((System.nanoTime() - down) / 1_000_000_000 < outage.getValue()) {
          long t = System.nanoTime();
          HttpResponse<String> w = node.http.postJson("/flows", write(99, 0).body());
          worstWrite = Math.max(worstWrite, (System.nanoTime() - t) / 1_000_000);
          assertThat(w.statusCode()).isEqualTo(503);
          assertThat(w.body()).contains("database");
          t = System.nanoTime();
          HttpResponse<String> r = node.http.get("/flows?hour=" + HOUR, Duration.ofSeconds(10));
          worstRead = Math.max(worstRead, (System.nanoTime() - t) / 1_000_000);
          assertThat(r.statusCode()).isEqualTo(503);
        }
        assertThat(worstWrite).as("slowest refused write, ms").isLessThan(2_000);
        assertThat(worstRead).as("slowest refused read, ms").isLessThan(2_000);
        pg.startServer();
        long up = System.nanoTime();
        int ackedAtReturn = load.acknowledged.size();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> load.acknowledged.size() > ackedAtReturn);
        long resumed = (System.nanoTime() - up) / 1_000_000;
        await().atMost(Duration.ofSeconds(10)).until(() -> node.http.get("/health/ready").statusCode() == 200);
        System.out.println("database " + outage.getKey().name().toLowerCase() + " for " + outage.getValue()
            + " s: readiness 503 after " + noticed + " ms; refused writes within " + worstWrite + " ms, reads within "
            + worstRead + " ms; writes acknowledged again " + resumed + " ms after it returned");
        assertThat(resumed).as("ms from the database's return to the next acknowledged write").isLessThan(10_000);
        acknowledgedBefore = load.acknowledged.size();
      }
      load.stop();
      assertThat(load.unacknowledged).isEmpty();
      assertThat(load.unexpected).isEmpty();
      Map<String, Totals> served = FlowTotals.parse(node.http.get("/flows?hour=" + HOUR).body());
      served.keySet().removeIf(k -> k.startsWith("c99-"));
      assertThat(served).isEqualTo(WriteLoad.totalsOf(load.acknowledged));
    }
  }
}
