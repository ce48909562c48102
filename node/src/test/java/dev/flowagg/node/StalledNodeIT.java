package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.testing.ClusterHarness;
import dev.flowagg.node.testing.FlowTotals;
import dev.flowagg.node.testing.FlowTotals.Totals;
import dev.flowagg.node.testing.HttpApi;
import dev.flowagg.node.testing.WriteLoad;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A node stalls (SIGSTOP) for 30 s: the cluster downs it, and writes through the other nodes that touch its slices
 * are asked again of the slices' new home within the same request, so none waits for its deadline; on SIGCONT the
 * downed node stops itself. Every acknowledged write is counted exactly once.
 */
class StalledNodeIT {

  private static final long HOUR = 480_500;

  /** Each write touches many slices (40 tuples), so it reaches the stalled node's slices. */
  private static WriteLoad.Write write(int client, int n) {
    List<String> src = new ArrayList<>();
    List<Long> tx = new ArrayList<>();
    Map<String, Totals> adds = new java.util.HashMap<>();
    for (int t = 0; t < 40; t++) {
      String s = "stall-" + client + "-" + t;
      src.add(s);
      tx.add(n + 1L);
      adds.put(FlowTotals.tuple(s, "db", "vpc-1"), new Totals(n + 1, 1));
    }
    return new WriteLoad.Write("stall-" + client + "-" + n, FlowTotals.records(src, "db", "vpc-1", tx, HOUR), adds);
  }

  @Test
  void writesThroughTheOthersCompleteWithinTheirRequestOnceTheStalledNodeIsDowned() throws Exception {
    try (ClusterHarness cluster = new ClusterHarness(3).start()) {
      List<HttpApi> survivors = List.of(cluster.node(1).http, cluster.node(3).http);
      WriteLoad warmUp = new WriteLoad(survivors, StalledNodeIT::write, true).start(2);
      await().atMost(Duration.ofSeconds(30)).until(() -> warmUp.acknowledged.size() > 10);
      warmUp.stop();

      cluster.node(2).stopProcess();
      long stalled = System.nanoTime();
      List<Long> latencies = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      List<WriteLoad.Write> acknowledged = new ArrayList<>(warmUp.acknowledged);
      int n = 1000;
      while ((System.nanoTime() - stalled) / 1_000_000_000 < 30) {
        WriteLoad.Write w = write(7, n++);
        long t = System.nanoTime();
        HttpResponse<String> r = warmUp.post(survivors.get(n % 2), w);
        latencies.add((System.nanoTime() - t) / 1_000_000);
        if (r.statusCode() == 200) {
          acknowledged.add(w);
        } else {
          failures.add(r.statusCode() + " " + r.body());
        }
      }
      long worst = latencies.stream().mapToLong(Long::longValue).max().orElse(0);
      System.out.println("stalled node: " + latencies.size() + " writes through the others, slowest " + worst
          + " ms, " + failures.size() + " not acknowledged");
      assertThat(failures).isEmpty();
      assertThat(worst).isLessThan(15_000);

      cluster.node(2).continueProcess();
      OptionalInt exit = cluster.node(2).awaitExit(Duration.ofSeconds(60));
      assertThat(exit).as("the downed node stops itself once it runs again").isPresent();
      Map<String, Totals> served = FlowTotals.parse(cluster.node(3).http.get("/flows?hour=" + HOUR).body());
      assertThat(served).isEqualTo(WriteLoad.totalsOf(acknowledged));
    }
  }
}
