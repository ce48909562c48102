package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowagg.node.testing.FlowTotals;
import dev.flowagg.node.testing.FlowTotals.Totals;
import dev.flowagg.node.testing.HttpApi;
import dev.flowagg.node.testing.NodeProcess;
import dev.flowagg.node.testing.WriteLoad;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.encode.ExpectedTotals;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM under load: readiness turns 503, new requests are refused, requests under way finish, NetFlow deltas still
 * in the pre-aggregation table reach the entities, and the process exits 0 within 15 s. After a restart the totals
 * hold every acknowledged write and every NetFlow flow the node counted, exactly.
 */
class GracefulShutdownIT {

  private static final long HOUR_MS = 3_600_000L;
  private static final long HTTP_HOUR = 900;
  private static final long NETFLOW_HOUR = 480_000; // sent before SIGTERM, still pending at SIGTERM
  private static final long STREAM_HOUR = 480_001; // sent on through SIGTERM
  private static final IpAddress EXPORTER = IpAddress.parse("127.0.0.1");

  /** Each write: two tuples of its own (one of them twice), so a partly applied write would show. */
  private static WriteLoad.Write write(int client, int n) {
    String a = "c" + client + "-" + n + "-a";
    String b = "c" + client + "-" + n + "-b";
    long tx = n + 1;
    return new WriteLoad.Write(
        "shutdown-" + client + "-" + n,
        FlowTotals.records(List.of(a, b, a), "db", "vpc-1", List.of(tx, 2 * tx, 3L), HTTP_HOUR),
        Map.of(
            FlowTotals.tuple(a, "db", "vpc-1"), new Totals(tx + 3, 2),
            FlowTotals.tuple(b, "db", "vpc-1"), new Totals(2 * tx, 1)));
  }

  @Test
  void sigtermUnderLoadLosesNothingAcknowledged() throws Exception {
    int netflowPort = NodeProcess.freePort();
    NodeProcess node =
        NodeProcess.configure(
            Files.createTempDirectory("flowagg-sigterm"),
            Map.of(
                "FLOWAGG_NETFLOW_HOST", "127.0.0.1",
                "FLOWAGG_NETFLOW_PORT", Integer.toString(netflowPort),
                // Nothing is delivered by the timer: only the shutdown's own flush can deliver the NetFlow deltas.
                "FLOWAGG_FLUSH_INTERVAL", "1h"));
    try (node) {
      node.start();
      InetSocketAddress collector = new InetSocketAddress("127.0.0.1", netflowPort);

      // NetFlow first: counted by the node, but only pre-aggregated (the flush interval is an hour).
      ExpectedTotals netflowExpected = new ExpectedTotals();
      List<FlowSpec> flows = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        flows.add(FlowSpec.of("10.9.0." + (i % 50), "10.8.0." + (i % 3), 40000 + i, 443, 6, 1000 + i, 2,
            NETFLOW_HOUR * HOUR_MS + i * 1000L));
      }
      flows.forEach(f -> netflowExpected.add(f, EXPORTER, 1));
      try (DatagramChannel exporter = DatagramChannel.open()) {
        for (byte[] d : new ExportSession(ExportSettings.of(ExportFormat.NETFLOW_V9, NETFLOW_HOUR * HOUR_MS - 1000))
            .encode(flows, (NETFLOW_HOUR + 1) * HOUR_MS)) {
          exporter.send(ByteBuffer.wrap(d), collector);
        }
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> ingestFlows(node.http) == 300);
      assertThat(node.http.get("/flows?hour=" + NETFLOW_HOUR).body()).isEqualTo("[]");

      // A NetFlow stream that goes on through the shutdown: one flow per datagram, each its own tuple.
      AtomicBoolean streaming = new AtomicBoolean(true);
      List<FlowSpec> streamed = new ArrayList<>();
      Thread stream =
          Thread.ofPlatform()
              .start(
                  () -> {
                    ExportSession session =
                        new ExportSession(ExportSettings.of(ExportFormat.NETFLOW_V5, STREAM_HOUR * HOUR_MS - 1000));
                    try (DatagramChannel exporter = DatagramChannel.open()) {
                      for (int i = 0; streaming.get() && i < 60_000; i++) {
                        FlowSpec f = FlowSpec.of("10.60." + (i / 250) + "." + (i % 250), "10.70.0.1", 50000, 443, 6,
                            100 + i, 1, STREAM_HOUR * HOUR_MS + 1000);
                        streamed.add(f);
                        for (byte[] d : session.encode(List.of(f), (STREAM_HOUR + 1) * HOUR_MS)) {
                          exporter.send(ByteBuffer.wrap(d), collector);
                        }
                        // At most 250 flows a second, each a new entity: the shutdown flush (5 s) must store them
                        // all, on one shared 2-core test machine.
                        java.util.concurrent.locks.LockSupport.parkNanos(4_000_000);
                      }
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  });

      // Readiness, watched through the shutdown.
      ConcurrentLinkedQueue<String> readiness = new ConcurrentLinkedQueue<>();
      AtomicBoolean watching = new AtomicBoolean(true);
      Thread watcher =
          Thread.ofPlatform()
              .start(
                  () -> {
                    HttpApi api = new HttpApi(node.http.base());
                    while (watching.get()) {
                      try {
                        var r = api.get("/health/ready", Duration.ofSeconds(1));
                        readiness.add(r.statusCode() + " " + r.body());
                      } catch (RuntimeException e) {
                        readiness.add("down");
                      }
                      java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
                    }
                  });

      WriteLoad load = new WriteLoad(List.of(node.http), GracefulShutdownIT::write, false).start(4);
      await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged.size() >= 200);
      await().atMost(Duration.ofSeconds(20)).until(() -> ingestFlows(node.http) > 300 + 400);

      long sigterm = System.nanoTime();
      int exit = node.terminate(Duration.ofSeconds(20));
      Duration took = Duration.ofNanos(System.nanoTime() - sigterm);
      streaming.set(false);
      watching.set(false);
      load.stop();
      stream.join();
      watcher.join();
      System.out.println("sigterm_exit_ms=" + took.toMillis() + " acknowledged=" + load.acknowledged.size()
          + " unacknowledged=" + load.unacknowledged.size() + " refused_shutting_down=" + load.refusedShuttingDown
          + " netflow_streamed=" + streamed.size());

      String log = node.logText();
      assertThat(exit).as("exit code after SIGTERM").isZero();
      assertThat(took).isLessThan(Duration.ofSeconds(15));
      assertThat(readiness).anyMatch(r -> r.startsWith("503 ") && r.contains("\"waiting_for\":\"shutting down\""));
      assertThat(load.refusedShuttingDown.get()).as("new requests refused while stopping").isPositive();
      assertThat(load.unexpected).isEmpty();
      assertThat(log)
          .contains("SIGTERM received")
          .contains("readiness answers 503")
          .contains("HTTP port closed")
          .contains("requests under way are answered")
          .contains("NetFlow receiver stopped")
          .contains("NetFlow delivered")
          .contains("left the cluster");
      Matcher counted = Pattern.compile("(\\d+) flows received in all").matcher(log);
      assertThat(counted.find()).isTrue();
      long flowsCounted = Long.parseLong(counted.group(1));

      node.start();

      // HTTP: every acknowledged write whole; an unacknowledged one whole or not at all; nothing else.
      Map<String, Totals> http = FlowTotals.parse(node.http.get("/flows?hour=" + HTTP_HOUR).body());
      Map<String, Totals> expected = new HashMap<>(WriteLoad.totalsOf(load.acknowledged));
      int appliedUnacknowledged = 0;
      for (WriteLoad.Write w : load.unacknowledged) {
        boolean all = w.adds().entrySet().stream().allMatch(e -> e.getValue().equals(http.get(e.getKey())));
        boolean none = w.adds().keySet().stream().noneMatch(http::containsKey);
        assertThat(all || none).as("write %s is whole or absent", w.key()).isTrue();
        if (all) {
          appliedUnacknowledged++;
          expected.putAll(w.adds());
        }
      }
      assertThat(http).isEqualTo(expected);
      System.out.println("unacknowledged_but_applied=" + appliedUnacknowledged);

      // NetFlow: the pending table was delivered by the shutdown, exactly.
      Map<String, Totals> netflow = FlowTotals.parse(node.http.get("/flows?hour=" + NETFLOW_HOUR).body());
      Map<String, Totals> netflowWanted = new HashMap<>();
      netflowExpected.rows().forEach(
          r -> netflowWanted.put(FlowTotals.tuple(r.srcApp(), r.destApp(), r.vpcId()), new Totals(r.bytesTx(), r.bytesRx())));
      assertThat(netflow).isEqualTo(netflowWanted);
      // The stream: every flow the node counted is there with its bytes, and no other.
      Map<String, Totals> stream2 = FlowTotals.parse(node.http.get("/flows?hour=" + STREAM_HOUR).body());
      assertThat((long) stream2.size()).isEqualTo(flowsCounted - 300);
      Map<String, Totals> streamedWanted = new HashMap<>();
      ExpectedTotals streamTotals = new ExpectedTotals();
      streamed.forEach(f -> streamTotals.add(f, EXPORTER, 1));
      streamTotals.rows().forEach(
          r -> streamedWanted.put(FlowTotals.tuple(r.srcApp(), r.destApp(), r.vpcId()), new Totals(r.bytesTx(), r.bytesRx())));
      stream2.forEach((tuple, totals) -> assertThat(totals).as(tuple).isEqualTo(streamedWanted.get(tuple)));

      // Retried with their keys, the unacknowledged writes are applied once each: the totals are every write.
      for (WriteLoad.Write w : load.unacknowledged) {
        assertThat(load.post(node.http, w).statusCode()).isEqualTo(200);
      }
      List<WriteLoad.Write> all = new ArrayList<>(load.acknowledged);
      all.addAll(load.unacknowledged);
      assertThat(FlowTotals.parse(node.http.get("/flows?hour=" + HTTP_HOUR).body())).isEqualTo(WriteLoad.totalsOf(all));
    }
  }

  private static long ingestFlows(HttpApi http) throws Exception {
    return new ObjectMapper().readTree(http.get("/ingest/stats").body()).get("aggregation").get("flows").asLong();
  }
}
