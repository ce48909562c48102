package dev.flowagg.node.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.node.aggregate.DeltaBlock;
import dev.flowagg.protocol.net.IpAddress;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryLogTest {

  private static final IpAddress EXPORTER = IpAddress.parse("192.0.2.7");

  private static DatagramBatch batch(String... payloads) {
    DatagramBatch b = new DatagramBatch(16, 1 << 17);
    long at = 1_000;
    for (String p : payloads) {
      byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
      b.add(bytes, 0, bytes.length, EXPORTER, at++);
    }
    return b;
  }

  private static Map<Integer, List<DeltaBlock>> deltas(String tag) {
    return Map.of(3, List.of(DeltaBlock.builder().add("a" + tag, "b", "v", 10, 1, 2).build()),
        9, List.of(DeltaBlock.builder().add("c" + tag, "d", "v", 11, 3, 4).build()));
  }

  /** The payloads of every batch a segment file holds, in order. */
  private static List<String> replayed(Path segment) throws IOException {
    List<String> out = new ArrayList<>();
    DeliveryLog.replay(segment, new DatagramBatch(16, 1 << 17), b -> {
      for (int i = 0; i < b.count(); i++) {
        byte[] bytes = new byte[b.length(i)];
        b.payload(i).get(bytes);
        out.add(new String(bytes, StandardCharsets.UTF_8) + "@" + b.receivedAtMillis(i) + "/" + b.exporter(i));
      }
    });
    return out;
  }

  private static String text(DeltaBlock block) {
    StringBuilder s = new StringBuilder();
    block.forEach((src, dst, vpc, hour, tx, rx) -> s.append(src).append(' ').append(hour).append(' ').append(tx));
    return s.toString();
  }

  @Test
  void whatARunLeftIsFoundAgain() throws IOException {
    Path dir = Files.createTempDirectory("delivery-log");
    try (DeliveryLog log = DeliveryLog.open(dir)) {
      assertThat(log.recover().deliveries()).isEmpty();
      log.append(batch("one", "two"));
      log.cut(42, 0, deltas("0"), log.rotate());
      log.append(batch("three"));
      log.cut(42, 1, deltas("1"), log.rotate());
      log.done(42, 0);
      log.append(batch("four", "five"));
    }
    try (DeliveryLog log = DeliveryLog.open(dir)) {
      DeliveryLog.Recovered r = log.recover();
      assertThat(r.deliveries()).singleElement().satisfies(p -> {
        assertThat(p.writer()).isEqualTo(42);
        assertThat(p.number()).isEqualTo(1);
        assertThat(text(p.bySlice().get(3).getFirst())).isEqualTo("a1 10 1");
        assertThat(text(p.bySlice().get(9).getFirst())).isEqualTo("c1 11 3");
      });
      // Batches before a cut are covered by it; only those after the last cut come back.
      assertThat(r.segments()).hasSize(1);
      assertThat(replayed(r.segments().getFirst())).containsExactly("four@1000/192.0.2.7", "five@1001/192.0.2.7");
    }
  }

  @Test
  void aSecondCrashBeforeAnyNewCutFindsTheSameThings() throws IOException {
    Path dir = Files.createTempDirectory("delivery-log");
    try (DeliveryLog log = DeliveryLog.open(dir)) {
      log.recover();
      log.cut(7, 0, deltas("x"), log.rotate());
      log.append(batch("after"));
    }
    try (DeliveryLog log = DeliveryLog.open(dir)) {
      log.recover();
      log.append(batch("again"));
    }
    try (DeliveryLog log = DeliveryLog.open(dir)) {
      DeliveryLog.Recovered r = log.recover();
      assertThat(r.deliveries()).extracting(DeliveryLog.Pending::number).containsExactly(0L);
      List<String> all = new ArrayList<>();
      for (Path p : r.segments()) {
        all.addAll(replayed(p));
      }
      assertThat(all).containsExactly("after@1000/192.0.2.7", "again@1000/192.0.2.7");
      // The next cut covers the replayed segments: they are gone after it, and a done empties the log.
      log.cut(8, 0, deltas("y"), log.rotate());
      log.done(7, 0);
      log.done(8, 0);
    }
    try (DeliveryLog log = DeliveryLog.open(dir)) {
      DeliveryLog.Recovered r = log.recover();
      assertThat(r.deliveries()).isEmpty();
      assertThat(r.segments()).isEmpty();
    }
  }

  @Test
  void datagramsReceivedWhileACutIsBeingBuiltStayForTheNextCut() throws IOException {
    Path dir = Files.createTempDirectory("delivery-log");
    try (DeliveryLog log = DeliveryLog.open(dir)) {
      log.recover();
      log.append(batch("drained"));
      long covered = log.rotate();
      log.append(batch("while-building"));
      log.cut(5, 0, deltas("a"), covered);
    }
    try (DeliveryLog log = DeliveryLog.open(dir)) {
      DeliveryLog.Recovered r = log.recover();
      assertThat(r.deliveries()).hasSize(1);
      assertThat(r.segments()).hasSize(1);
      assertThat(replayed(r.segments().getFirst())).containsExactly("while-building@1000/192.0.2.7");
    }
  }

  @Test
  void aTornLastRecordIsIgnored() throws IOException {
    Path dir = Files.createTempDirectory("delivery-log");
    try (DeliveryLog log = DeliveryLog.open(dir)) {
      log.recover();
      log.append(batch("kept"));
      log.cut(1, 0, deltas("a"), log.rotate());
      log.append(batch("whole"));
    }
    // A killed process may leave half a record at the end of either file.
    try (FileChannel out = FileChannel.open(dir.resolve("deliveries.log"), StandardOpenOption.APPEND)) {
      out.write(java.nio.ByteBuffer.wrap(new byte[] {50, 0, 0, 0, 1, 2}));
    }
    Path segment;
    try (var files = Files.list(dir)) {
      segment = files.filter(p -> p.getFileName().toString().startsWith("datagrams-")).findFirst().orElseThrow();
    }
    try (FileChannel out = FileChannel.open(segment, StandardOpenOption.APPEND)) {
      out.write(java.nio.ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 100, 0}));
    }
    try (DeliveryLog log = DeliveryLog.open(dir)) {
      DeliveryLog.Recovered r = log.recover();
      assertThat(r.deliveries()).hasSize(1);
      assertThat(replayed(r.segments().getFirst())).containsExactly("whole@1000/192.0.2.7");
    }
  }
}
