package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.testing.ClusterHarness;
import dev.flowagg.node.testing.NetflowTotals;
import dev.flowagg.node.testing.NodeProcess;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSession;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.FlowSpec;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Three node JVMs on one PostgreSQL journal: any node takes writes and serves every tuple, through node kills. */
class ClusterIT {

  private static final long HOUR_MS = 3_600_000L;

  private static String record(String src, long tx, long hour) {
    return "{\"src_app\":\"" + src + "\",\"dest_app\":\"db\",\"vpc_id\":\"vpc-0\",\"bytes_tx\":" + tx
        + ",\"bytes_rx\":1,\"hour\":" + hour + "}";
  }

  private static String batch(String prefix, int tuples, long tx, long hour) {
    StringBuilder b = new StringBuilder("[");
    for (int t = 0; t < tuples; t++) {
      b.append(t == 0 ? "" : ",").append(record(prefix + t, tx, hour));
    }
    return b.append("]").toString();
  }

  @Test
  void anyNodeTakesWritesAndServesEveryTuple() throws Exception {
    try (ClusterHarness cluster = new ClusterHarness(3).start()) {
      for (int i = 0; i < 30; i++) {
        NodeProcess via = cluster.nodes.get(i % 3);
        assertThat(via.http.postJson("/flows", batch("app-", 20, i + 1, 300)).statusCode()).isEqualTo(200);
      }
      String expected = cluster.node(1).http.get("/flows?hour=300").body();
      assertThat(expected).contains("{\"src_app\":\"app-0\",\"dest_app\":\"db\",\"vpc_id\":\"vpc-0\",\"bytes_tx\":465,");
      assertThat(expected.split("\\{", -1)).hasSize(21);
      for (NodeProcess n : cluster.nodes) {
        assertThat(n.http.get("/flows?hour=300").body()).isEqualTo(expected);
      }
      String view = cluster.node(1).http.get("/cluster").body();
      assertThat(view.split("\"FlowSlice\":0", -1).length - 1).as("flow slices live on several nodes").isLessThan(2);

      // An hour with 8 000 tuples of long names: writes are cut into parts that each fit one remote message.
      String longName = "service-with-a-rather-long-name-".repeat(6);
      for (int b = 0; b < 8; b++) {
        assertThat(cluster.nodes.get(b % 3).http.postJson("/flows", batch(longName + b + "-", 1000, 1, 330)).statusCode())
            .isEqualTo(200);
      }
      String big = cluster.node(3).http.get("/flows?hour=330").body();
      assertThat(big.split("\"hour\":330", -1)).hasSize(8001);
      assertThat(cluster.node(2).http.get("/flows?hour=330").body()).isEqualTo(big);
    }
  }

  @Test
  void aKilledNodesTuplesComeBackOnTheOthersAndItRejoins() throws Exception {
    try (ClusterHarness cluster = new ClusterHarness(3).start()) {
      // HTTP through node 1, NetFlow into node 2.
      assertThat(cluster.node(1).http.postJson("/flows", batch("http-", 40, 5, 310)).statusCode()).isEqualTo(200);
      long hour = 470_000;
      List<byte[]> datagrams = netflow(hour);
      try (DatagramChannel exporter = DatagramChannel.open()) {
        exporter.bind(new InetSocketAddress("127.0.0.1", 0));
        for (byte[] d : datagrams) {
          exporter.send(ByteBuffer.wrap(d), new InetSocketAddress(ClusterHarness.address(2), cluster.netflowPorts.get(1)));
        }
      }
      String netflowExpected = NetflowTotals.expectedRows(datagrams, "127.0.0.1").get(hour);
      // NetFlow is acknowledged once node 2 has delivered it to the entities.
      await().atMost(Duration.ofSeconds(30)).untilAsserted(
          () -> assertThat(cluster.node(3).http.get("/flows?hour=" + hour).body()).isEqualTo(netflowExpected));
      String httpExpected = cluster.node(1).http.get("/flows?hour=310").body();

      // A reader asks node 3 for totals all along, through the kill and the rejoin: every answer must come, fast.
      ReadProbe reads = new ReadProbe(cluster.node(3), hour).start();
      long killedAt = System.nanoTime();
      Instant killedInstant = Instant.now();
      cluster.node(2).kill();
      // Reads come from the tables, not from the entities: the survivors answer every total at once.
      assertThat(cluster.node(3).http.get("/flows?hour=310", Duration.ofSeconds(3)).body()).isEqualTo(httpExpected);
      assertThat(cluster.node(1).http.get("/flows?hour=" + hour, Duration.ofSeconds(3)).body())
          .isEqualTo(netflowExpected);
      long readMillis = (System.nanoTime() - killedAt) / 1_000_000;
      // A write touching the dead node's slices waits until they answer elsewhere; retried under its key, it counts
      // once whatever the first attempts did.
      String write = batch("http-", 40, 7, 310);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> cluster.node(3).http.post("/flows", "application/json", write, "after-kill").statusCode() == 200);
      long writeMillis = (System.nanoTime() - killedAt) / 1_000_000;
      System.out.println("failover: reads answered " + readMillis + " ms and writes " + writeMillis
          + " ms after the SIGKILL of node 2 at " + killedInstant);

      cluster.node(2).start();
      cluster.awaitUpMembers(3);
      reads.stop();
      System.out.println("reads through the kill and the rejoin: " + reads.summary());
      assertThat(reads.failures).as("reads not answered 200").isEmpty();
      String after = cluster.node(2).http.get("/flows?hour=310").body();
      assertThat(after).contains("{\"src_app\":\"http-0\",\"dest_app\":\"db\",\"vpc_id\":\"vpc-0\",\"bytes_tx\":12,");
      assertThat(after.split("\"bytes_tx\":12,", -1)).hasSize(41);
      assertThat(cluster.node(2).http.get("/flows?hour=" + hour).body()).isEqualTo(netflowExpected);
    }
  }

  @Test
  void aWholeClusterRestartKeepsEverything() throws Exception {
    try (ClusterHarness cluster = new ClusterHarness(3).start()) {
      for (int i = 0; i < 9; i++) {
        assertThat(cluster.nodes.get(i % 3).http.postJson("/flows", batch("r-", 25, 2, 320)).statusCode()).isEqualTo(200);
      }
      String before = cluster.node(1).http.get("/flows?hour=320").body();
      cluster.nodes.forEach(NodeProcess::kill);
      cluster.start();
      for (NodeProcess n : cluster.nodes) {
        assertThat(n.http.get("/flows?hour=320").body()).isEqualTo(before);
      }
      assertThat(before.split("\"bytes_tx\":18,", -1)).hasSize(26);
    }
  }

  /** GET /totals and GET /flows, one after the other, until stopped; their latencies and any failure. */
  private static final class ReadProbe {
    private final NodeProcess node;
    private final long hour;
    private final List<Long> millis = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean stopping;
    private Thread thread;

    ReadProbe(NodeProcess node, long hour) {
      this.node = node;
      this.hour = hour;
    }

    ReadProbe start() {
      thread = Thread.ofPlatform().start(() -> {
        for (int i = 0; !stopping; i++) {
          String path = i % 2 == 0 ? "/totals?from=" + hour + "&to=" + (hour + 1) + "&top=10" : "/flows?hour=310";
          long t = System.nanoTime();
          try {
            var r = node.http.get(path, Duration.ofSeconds(10));
            if (r.statusCode() != 200) {
              failures.add(path + " " + r.statusCode() + " " + r.body());
            }
          } catch (RuntimeException e) {
            failures.add(path + " " + e);
          }
          millis.add((System.nanoTime() - t) / 1_000_000);
        }
      });
      return this;
    }

    void stop() throws InterruptedException {
      stopping = true;
      thread.join();
    }

    String summary() {
      long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
      return sorted.length + " reads, p50 " + sorted[sorted.length / 2] + " ms, p99 "
          + sorted[(int) (sorted.length * 0.99)] + " ms, max " + sorted[sorted.length - 1] + " ms";
    }
  }

  private static List<byte[]> netflow(long hour) {
    List<FlowSpec> flows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      flows.add(FlowSpec.of("10.9.0." + (i % 25), "10.8.0." + (i % 4), 40000 + i, 443, 6, 1000 + i, 3, hour * HOUR_MS + i * 1000L));
    }
    return new ExportSession(ExportSettings.of(ExportFormat.NETFLOW_V9, hour * HOUR_MS - 1000)).encode(flows, (hour + 1) * HOUR_MS);
  }
}
