package dev.flowagg.node.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.nativeagg.JavaFlowKernel;
import dev.flowagg.node.cli.SendCommand;
import dev.flowagg.node.testing.InProcessNode;
import dev.flowagg.node.testing.NodeProcess;
import dev.flowagg.node.testing.PrometheusText;
import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSession;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.FlowSpec;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** NetFlow datagrams sent over a real UDP socket end up in {@code GET /flows} exactly as aggregated offline. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetflowIngestTest {
  // Not final: NetflowIngestJavaKernelTest runs the same tests on the Java twin.

  private static final long HOUR_MS = 3_600_000L;

  private InProcessNode node;
  private int netflowPort;

  @BeforeAll
  void start() {
    netflowPort = NodeProcess.freePort();
    node =
        InProcessNode.start(
            InProcessNode.withNetflow(
                netflowPort,
                Map.of("flowagg.ingest.native", kernelMode(), "flowagg.ingest.native-receive", nativeReceive())));
  }

  private long datagramsReceived() {
    Matcher m = Pattern.compile("\"datagrams_received\":(\\d+)").matcher(node.http.get("/ingest/stats").body());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** FLOWAGG_NATIVE for this class's node: auto (native when the build made it) here, off in the Java-twin run. */
  String kernelMode() {
    return "auto";
  }

  /** FLOWAGG_NATIVE_RECEIVE for this class's node: auto (batched receive whenever the kernel is native). */
  String nativeReceive() {
    return "auto";
  }

  /** The receive path this class's node should use, given the kernel it reports. */
  String expectedReceive(String kernel) {
    return kernel.equals("native") ? "native-recvmmsg" : "java-channel";
  }

  InProcessNode node() {
    return node;
  }

  @AfterAll
  void stop() {
    node.close();
  }

  /** Flows of a few clients and servers, ending inside {@code hour}. */
  static List<FlowSpec> traffic(long hour, int count, long seed, boolean ipv6) {
    Random random = new Random(seed);
    List<FlowSpec> flows = new ArrayList<>();
    int[] servicePorts = {443, 5432, 53, 8080};
    for (int i = 0; i < count; i++) {
      String client = ipv6 && i % 3 == 0 ? "2001:db8::" + (1 + random.nextInt(20)) : "10.0.0." + (1 + random.nextInt(20));
      String server = ipv6 && i % 3 == 0 ? "2001:db8:1::" + (1 + random.nextInt(5)) : "10.1.0." + (1 + random.nextInt(5));
      int port = servicePorts[random.nextInt(servicePorts.length)];
      long end = hour * HOUR_MS + random.nextInt((int) HOUR_MS);
      long bytes = 40 + random.nextInt(100_000);
      FlowSpec f =
          random.nextBoolean()
              ? FlowSpec.of(client, server, 30000 + random.nextInt(30000), port, 6, bytes, 1 + bytes / 1000, end)
              : FlowSpec.of(server, client, port, 30000 + random.nextInt(30000), 6, bytes, 1 + bytes / 1000, end);
      flows.add(f);
    }
    return flows;
  }

  /** What GET /flows must show for these datagrams: the Java kernel's aggregation of them, offline. */
  static Map<Long, String> expectedRows(List<byte[]> datagrams) {
    Map<Long, List<String>> rows = new TreeMap<>();
    try (JavaFlowKernel kernel = new JavaFlowKernel(DecoderSettings.defaults(), ClassificationRules.empty());
        DatagramBatch batch = new DatagramBatch(datagrams.size(), Math.max(65_535, datagrams.size() * 1500 + 65_535))) {
      for (byte[] d : datagrams) {
        batch.add(d, 0, d.length, IpAddress.parse("127.0.0.1"), System.currentTimeMillis());
      }
      kernel.process(batch);
      List<String[]> sorted = new ArrayList<>();
      kernel.drain(
          (src, dst, vpc, hour, tx, rx) ->
              sorted.add(new String[] {src, dst, vpc, Long.toString(hour), Long.toString(tx), Long.toString(rx)}));
      sorted.sort(
          (a, b) -> {
            for (int i = 0; i < 3; i++) {
              int c = a[i].compareTo(b[i]);
              if (c != 0) {
                return c;
              }
            }
            return 0;
          });
      for (String[] r : sorted) {
        rows.computeIfAbsent(Long.parseLong(r[3]), h -> new ArrayList<>())
            .add("{\"src_app\":\"" + r[0] + "\",\"dest_app\":\"" + r[1] + "\",\"vpc_id\":\"" + r[2] + "\",\"bytes_tx\":"
                + r[4] + ",\"bytes_rx\":" + r[5] + ",\"hour\":" + r[3] + "}");
      }
    }
    Map<Long, String> out = new TreeMap<>();
    rows.forEach((hour, list) -> out.put(hour, "[" + String.join(",", list) + "]"));
    return out;
  }

  @Test
  void garbageIsCountedAndTheListenerKeepsServing() throws Exception {
    long hour = 481_000;
    ExportSession session = new ExportSession(ExportSettings.of(ExportFormat.IPFIX, hour * HOUR_MS - 60_000));
    List<byte[]> valid = session.encode(traffic(hour, 50, 7, true), (hour + 1) * HOUR_MS);
    Random random = new Random(99);
    long receivedBefore = datagramsReceived();
    try (DatagramChannel exporter = DatagramChannel.open()) {
      exporter.bind(new InetSocketAddress("127.0.0.2", 0));
      InetSocketAddress target = new InetSocketAddress("127.0.0.1", netflowPort);
      for (int i = 0; i < 2_000; i++) {
        byte[] junk = new byte[random.nextInt(1500)];
        random.nextBytes(junk);
        if (junk.length >= 2 && i % 2 == 0) {
          junk[0] = 0; // half of them claim a real version, so they reach the v5/v9/IPFIX decoders
          junk[1] = (byte) new int[] {5, 9, 10}[i % 3];
        }
        exporter.send(ByteBuffer.wrap(junk), target);
      }
      // The junk has been taken in (decoded or, were the node swamped, counted as dropped) before valid data follows.
      await().atMost(Duration.ofSeconds(30)).until(() -> datagramsReceived() >= receivedBefore + 2_000);
      for (byte[] d : valid) {
        exporter.send(ByteBuffer.wrap(d), target);
      }
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(node.http.get("/flows?hour=" + hour).body()).contains("\"vpc_id\":\"127.0.0.2\""));
    String stats = node.http.get("/ingest/stats").body();
    assertThat(stats).contains("\"exporter\":\"127.0.0.2\"").contains("\"decode_errors\":")
        .contains("\"datagrams_dropped_oversize\":0");
    assertThat(node.http.get("/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void garbageBehindPlausibleV5HeadersStoresNothingAndIsCountedByReason() throws Exception {
    long hour = 481_100;
    ExportSession session = new ExportSession(ExportSettings.of(ExportFormat.NETFLOW_V5, hour * HOUR_MS - 60_000));
    List<byte[]> valid = session.encode(traffic(hour, 120, 16, false), (hour + 1) * HOUR_MS);
    Map<Long, String> expected = new TreeMap<>();
    expectedRows(valid).forEach((h, rows) ->
        expected.put(h, rows.replace("\"vpc_id\":\"127.0.0.1\"", "\"vpc_id\":\"127.0.0.3\"")));
    // The header of a valid 30-record datagram (version, count, length, a clock that is set), then random records;
    // and datagrams of random bytes that only say version 5 and a count of 30, 1 464 bytes long.
    Random random = new Random(16);
    List<byte[]> garbage = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      byte[] g = valid.get(0).clone();
      byte[] records = new byte[g.length - 24];
      random.nextBytes(records);
      System.arraycopy(records, 0, g, 24, records.length);
      garbage.add(g);
    }
    for (int i = 0; i < 200; i++) {
      byte[] g = new byte[24 + 30 * 48];
      random.nextBytes(g);
      ByteBuffer.wrap(g).putShort(0, (short) 5).putShort(2, (short) 30);
      garbage.add(g);
    }

    try (DatagramChannel exporter = DatagramChannel.open()) {
      exporter.bind(new InetSocketAddress("127.0.0.3", 0));
      InetSocketAddress target = new InetSocketAddress("127.0.0.1", netflowPort);
      int sent = 0;
      for (byte[] d : garbage) {
        exporter.send(ByteBuffer.wrap(d), target);
        // In steps, so that the socket buffer never overflows and every datagram is decoded.
        if (++sent % 200 == 0) {
          int decoded = sent;
          await().atMost(Duration.ofSeconds(30)).until(() -> v5Metric("flowagg_ingest_datagrams_total") >= decoded);
        }
      }
      for (byte[] d : valid) {
        exporter.send(ByteBuffer.wrap(d), target);
      }
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(node.http.get("/flows?hour=" + hour).body()).isEqualTo(expected.get(hour)));
    assertThat(expected).containsOnlyKeys(hour);
    assertThat(v5Metric("flowagg_ingest_datagrams_total")).isEqualTo(1_204);
    assertThat(v5Metric("flowagg_ingest_records_total")).isEqualTo(120);
    double timeImplausible = v5Error("export_time_implausible");
    double recordsImplausible = v5Error("record_time_implausible");
    assertThat(recordsImplausible).isGreaterThanOrEqualTo(1_000);
    assertThat(timeImplausible).isGreaterThan(100);
    assertThat(timeImplausible + recordsImplausible).isEqualTo(1_200);
    assertThat(node.http.get("/ingest/stats").body())
        .contains("\"errors_by_reason\":{\"export_time_implausible\":" + (long) timeImplausible
            + ",\"record_time_implausible\":" + (long) recordsImplausible + "}");
  }

  private double v5Metric(String name) {
    return PrometheusText.parse(node.http.get("/metrics").body()).value(name, "exporter", "127.0.0.3", "version", "5");
  }

  private double v5Error(String reason) {
    return PrometheusText.parse(node.http.get("/metrics").body())
        .value("flowagg_ingest_decode_errors_total", "exporter", "127.0.0.3", "version", "5", "reason", reason);
  }

  @Test
  void whatTheSendCommandSentIsWhatGetShows() throws Exception {
    Path totals = Files.createTempFile("sent", ".json");
    int exit =
        new CommandLine(new SendCommand())
            .execute(
                "--target", "127.0.0.1:" + netflowPort, "--version", "9", "--rate", "20000", "--records", "20000",
                "--seed", "5", "--hours", "2", "--first-hour", "482500", "--clients", "40", "--servers", "8",
                "--totals", totals.toString());
    assertThat(exit).isZero();
    List<String> rows = Files.readAllLines(totals).stream().filter(l -> l.startsWith("{")).map(l -> l.replaceAll(",$", "")).toList();
    for (long hour = 482500; hour <= 482501; hour++) {
      String suffix = "\"hour\":" + hour + "}";
      String expected = "[" + String.join(",", rows.stream().filter(r -> r.endsWith(suffix)).toList()) + "]";
      long h = hour;
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(node.http.get("/flows?hour=" + h).body()).isEqualTo(expected));
    }
  }

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void sentFlowsAreCountedExactlyOnceInTheirHour(ExportFormat format) throws Exception {
    long firstHour = 480_000 + format.ordinal() * 10;
    List<FlowSpec> flows = new ArrayList<>();
    flows.addAll(traffic(firstHour, 400, format.ordinal(), format != ExportFormat.NETFLOW_V5));
    flows.addAll(traffic(firstHour + 1, 300, 100 + format.ordinal(), format != ExportFormat.NETFLOW_V5));
    ExportSession session = new ExportSession(ExportSettings.of(format, firstHour * HOUR_MS - 60_000));
    List<byte[]> datagrams = session.encode(flows, (firstHour + 2) * HOUR_MS);
    Map<Long, String> expected = expectedRows(datagrams);
    assertThat(expected).containsKeys(firstHour, firstHour + 1);

    try (DatagramChannel exporter = DatagramChannel.open()) {
      exporter.bind(new InetSocketAddress("127.0.0.1", 0));
      for (byte[] d : datagrams) {
        exporter.send(ByteBuffer.wrap(d), new InetSocketAddress("127.0.0.1", netflowPort));
      }
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (var e : expected.entrySet()) {
                assertThat(node.http.get("/flows?hour=" + e.getKey()).body()).isEqualTo(e.getValue());
              }
            });
    String stats = node.http.get("/ingest/stats").body();
    // Native when the build had cargo, else the Java twin: the totals above must be exact either way.
    assertThat(stats).containsPattern("\"kernel\":\"(native|java)\"").contains("\"exporter\":\"127.0.0.1\"");
  }

  @Test
  void theStatsNameHowTheSocketIsRead() {
    String stats = node.http.get("/ingest/stats").body();
    Matcher kernel = Pattern.compile("\"kernel\":\"(\\w+)\"").matcher(stats);
    assertThat(kernel.find()).isTrue();
    assertThat(stats).contains("\"receive\":\"" + expectedReceive(kernel.group(1)) + "\"");
    // The native kernel names the instruction-set level of its build; the Java twin has none.
    assertThat(stats)
        .contains(
            kernel.group(1).equals("native")
                ? "\"kernel_build\":\"" + dev.flowagg.nativeagg.NativeLibraryLoader.build() + "\""
                : "\"kernel_build\":null");
  }
}
