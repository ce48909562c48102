package dev.flowagg.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.nativeagg.JavaFlowKernel;
import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.DecoderSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SendCommandTest {

  /** 2026-01-01T00:00Z, in hours since the epoch. */
  private static final String FIRST_HOUR = "491688";
  private static final Pattern DATAGRAMS = Pattern.compile(" in (\\d+) datagrams ");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final StringWriter stdout = new StringWriter();
  private final StringWriter stderr = new StringWriter();
  private DatagramChannel collector;
  private final List<byte[]> received = new ArrayList<>();
  private final List<IpAddress> receivedFrom = new ArrayList<>();
  private Thread receiver;

  @BeforeEach
  void openCollector() throws IOException {
    collector = DatagramChannel.open();
    collector.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
    collector.bind(new InetSocketAddress("127.0.0.1", 0));
    receiver = Thread.ofPlatform().daemon().start(this::receiveAll);
  }

  @AfterEach
  void closeCollector() throws Exception {
    collector.close();
    receiver.join(Duration.ofSeconds(5));
  }

  private void receiveAll() {
    ByteBuffer buffer = ByteBuffer.allocate(65_535);
    try {
      while (true) {
        buffer.clear();
        InetSocketAddress from = (InetSocketAddress) collector.receive(buffer);
        buffer.flip();
        byte[] d = new byte[buffer.remaining()];
        buffer.get(d);
        synchronized (received) {
          received.add(d);
          receivedFrom.add(IpAddress.of(from.getAddress().getAddress()));
        }
      }
    } catch (IOException closed) {
      // the test is over
    }
  }

  private int receivedCount() {
    synchronized (received) {
      return received.size();
    }
  }

  private String target() throws IOException {
    return "127.0.0.1:" + ((InetSocketAddress) collector.getLocalAddress()).getPort();
  }

  private int send(String... args) {
    return send(new SendCommand(), args);
  }

  private int send(SendCommand sendCommand, String... args) {
    CommandLine command = new CommandLine(sendCommand);
    command.setOut(new PrintWriter(stdout, true));
    command.setErr(new PrintWriter(stderr, true));
    return command.execute(args);
  }

  private long datagramsSent() {
    Matcher m = DATAGRAMS.matcher(stderr.toString());
    assertThat(m.find()).as(stderr.toString()).isTrue();
    return Long.parseLong(m.group(1));
  }

  /** Aggregates what the collector socket received, as the node's kernel would. */
  private JsonNode aggregateReceived() {
    List<String> rows = new ArrayList<>();
    try (JavaFlowKernel kernel = new JavaFlowKernel(DecoderSettings.defaults(), ClassificationRules.empty());
        DatagramBatch batch = new DatagramBatch(received.size() + 1, Math.max(1 << 20, received.size() * 1500))) {
      synchronized (received) {
        for (int i = 0; i < received.size(); i++) {
          byte[] d = received.get(i);
          assertThat(batch.add(d, 0, d.length, receivedFrom.get(i), System.currentTimeMillis())).isTrue();
        }
      }
      kernel.process(batch);
      kernel.drain((src, dst, vpc, hour, tx, rx) -> rows.add(String.format(
          "{\"src_app\":\"%s\",\"dest_app\":\"%s\",\"vpc_id\":\"%s\",\"bytes_tx\":%d,\"bytes_rx\":%d,\"hour\":%d}",
          src, dst, vpc, tx, rx, hour)));
    }
    try {
      return JSON.readTree("[" + String.join(",", rows) + "]");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<JsonNode> sorted(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    out.sort(Comparator.comparing(JsonNode::toString));
    return out;
  }

  @Test
  void everyDatagramReachesTheCollectorAndItsAggregateEqualsTheTotals() throws Exception {
    int exit = send("--target", target(), "--version", "10", "--rate", "20000", "--records", "10000",
        "--seed", "3", "--hours", "2", "--first-hour", FIRST_HOUR, "--totals", "-");

    assertThat(exit).as(stderr.toString()).isZero();
    long sent = datagramsSent();
    await().atMost(Duration.ofSeconds(10)).until(() -> receivedCount() >= sent);
    assertThat(receivedCount()).isEqualTo((int) sent);
    JsonNode totals = JSON.readTree(stdout.toString());
    assertThat(totals.size()).isGreaterThan(100);
    assertThat(sorted(aggregateReceived())).containsExactlyElementsOf(sorted(totals));
    assertThat(totals.get(0).fieldNames()).toIterable()
        .containsExactly("src_app", "dest_app", "vpc_id", "bytes_tx", "bytes_rx", "hour");
    assertThat(totals.get(0).get("hour").asLong()).isEqualTo(Long.parseLong(FIRST_HOUR));
    assertThat(stderr.toString().lines().toList().getLast()).startsWith("send: 10000 records in ")
        .contains("from 127.0.0.1");
  }

  @Test
  void repeatedPassesMultiplyTheTotalsAndNumberEveryDatagramAsAnExporterWould() throws Exception {
    int exit = send("--target", target(), "--version", "9", "--rate", "0", "--records", "6000", "--repeat", "3",
        "--exporters", "2", "--seed", "5", "--first-hour", FIRST_HOUR, "--totals", "-");

    assertThat(exit).as(stderr.toString()).isZero();
    long sent = datagramsSent();
    await().atMost(Duration.ofSeconds(10)).until(() -> receivedCount() >= sent);
    assertThat(receivedCount()).isEqualTo((int) sent);
    JsonNode totals = JSON.readTree(stdout.toString());
    assertThat(sorted(aggregateReceived())).containsExactlyElementsOf(sorted(totals));
    long bytes = 0;
    for (JsonNode row : totals) {
      assertThat(row.get("bytes_tx").asLong() % 3).as("every total is three passes'").isZero();
      assertThat(row.get("bytes_rx").asLong() % 3).isZero();
      bytes += row.get("bytes_tx").asLong();
    }
    assertThat(bytes).isPositive();
    assertThat(stderr.toString().lines().toList().getLast()).startsWith("send: 6000 records in ");
    // v9 numbers an exporter's datagrams 0, 1, 2, ... (source id at offset 16, sequence at 12), across passes too.
    for (int source = 0; source < 2; source++) {
      List<Long> sequences = new ArrayList<>();
      synchronized (received) {
        for (byte[] d : received) {
          ByteBuffer b = ByteBuffer.wrap(d);
          if (b.getInt(16) == source) {
            sequences.add(Integer.toUnsignedLong(b.getInt(12)));
          }
        }
      }
      sequences.sort(null);
      assertThat(sequences).as("exporter " + source).hasSizeGreaterThan(10);
      for (int i = 0; i < sequences.size(); i++) {
        assertThat(sequences.get(i)).as("exporter " + source + " datagram " + i).isEqualTo(i);
      }
    }
  }

  @Test
  void aRepeatThatDoesNotDivideTheRecordsIsACommandLineError() throws Exception {
    int exit = send("--target", target(), "--records", "1000", "--repeat", "3");

    assertThat(exit).isEqualTo(2);
    assertThat(stderr.toString()).contains("--repeat must be at least 1 and divide --records (1000), not 3");
  }

  @Test
  void withoutTotalsItPrintsNothingButProgressAndASummaryOnStandardError() throws Exception {
    int exit = send(new SendCommand(Duration.ofMillis(100)), "--target", target(), "--version", "9", "--rate",
        "10000", "--records", "5000", "--first-hour", FIRST_HOUR);

    assertThat(exit).as(stderr.toString()).isZero();
    assertThat(stdout.toString()).isEmpty();
    List<String> lines = stderr.toString().lines().toList();
    assertThat(lines.getLast()).startsWith("send: 5000 records in ");
    assertThat(lines.subList(0, lines.size() - 1))
        .as("a progress line per 100 ms of a 0.5 s send")
        .hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(line -> assertThat(line).matches(
            "send: [0-9]+ of 5000 records \\([0-9]+%\\) in [0-9.]+ s, [0-9]+ records/s, [0-9]+ datagrams"));
  }

  @Test
  void theSteadyRateHoldsAndBindAddressesBecomeVpcIds() throws Exception {
    long start = System.nanoTime();
    Path totalsFile = dir.resolve("totals.json");
    int exit = send("--target", target(), "--version", "5", "--rate", "10000", "--records", "5000",
        "--exporters", "3", "--bind", "127.0.0.1,127.0.0.2", "--sampling", "4", "--first-hour", FIRST_HOUR,
        "--totals", totalsFile.toString());
    double seconds = (System.nanoTime() - start) / 1e9;

    assertThat(exit).as(stderr.toString()).isZero();
    assertThat(seconds).as("5000 records at 10000/s").isBetween(0.45, 5.0);
    long sent = datagramsSent();
    await().atMost(Duration.ofSeconds(10)).until(() -> receivedCount() >= sent);
    JsonNode totals = JSON.readTree(totalsFile.toFile());
    assertThat(sorted(aggregateReceived())).containsExactlyElementsOf(sorted(totals));
    List<String> vpcs = new ArrayList<>();
    totals.forEach(row -> vpcs.add(row.get("vpc_id").asText()));
    assertThat(vpcs).containsOnly("127.0.0.1", "127.0.0.2");
  }

  @Test
  void theSameSeedAndOptionsGiveTheSameTotalsFile() throws Exception {
    Path first = dir.resolve("first.json");
    Path second = dir.resolve("second.json");
    String[] common = {"--target", target(), "--version", "9", "--rate", "0", "--records", "3000",
        "--seed", "11", "--hours", "3", "--first-hour", FIRST_HOUR};

    assertThat(send(concat(common, "--totals", first.toString()))).isZero();
    assertThat(send(concat(common, "--totals", second.toString()))).isZero();

    assertThat(stdout.toString()).isEmpty();
    assertThat(Files.readString(first)).startsWith("[\n{\"src_app\":").isEqualTo(Files.readString(second));
  }

  @Test
  void biflowOutsideIpfixIsACommandLineError() throws Exception {
    assertThat(send("--target", target(), "--version", "9", "--biflow")).isEqualTo(2);
    assertThat(stderr.toString()).contains("--biflow needs --version 10");
    assertThat(send("--target", "nohostport", "--version", "9")).isEqualTo(2);
    assertThat(send("--target", target(), "--version", "7")).isEqualTo(2);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
