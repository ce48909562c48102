package dev.flowagg.protocol.netflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.net.IpAddress;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decodes the datagrams softflowd exported for the golden captures and compares them with what nfdump decoded from
 * the same bytes (see {@code golden/README.md} for how the files were made and for nfdump's known mistakes).
 *
 * <p>Each datagram is "received" at the export time in its own header: the capture replay ran on one machine over
 * the loopback, so that is when a collector listening then would have seen it, and template lifetimes and the
 * waiting-data age are measured against the exporter's clock, which runs from 2024-12-31 to 2025-01-01.
 */
class GoldenCaptureTest {

  private static final IpAddress EXPORTER = IpAddress.parse("127.0.0.1");
  private static final long MILLIS_PER_HOUR = 3_600_000L;

  /** One line of {@code golden/index.csv}. */
  record Variant(String name, int datagrams, int records, int samplingAnnounced, int samplingAppliedByNfdump) {
    boolean isBiflow() {
      return name.endsWith("-biflow");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The key of a line of {@code .totals.csv}: a one-way 5-tuple in one hour. */
  record TupleHour(IpAddress src, IpAddress dst, int srcPort, int dstPort, int protocol, long hour)
      implements Comparable<TupleHour> {
    @Override
    public int compareTo(TupleHour o) {
      int c = Long.compare(hour, o.hour);
      c = c != 0 ? c : src.compareTo(o.src);
      c = c != 0 ? c : dst.compareTo(o.dst);
      c = c != 0 ? c : Integer.compare(srcPort, o.srcPort);
      c = c != 0 ? c : Integer.compare(dstPort, o.dstPort);
      return c != 0 ? c : Integer.compare(protocol, o.protocol);
    }
  }

  /** Summed counters of one key: bytes and packets, then the reverse ones (0 unless a biflow). */
  record Counters(long bytes, long packets, long reverseBytes, long reversePackets) {
    Counters plus(Counters o) {
      return new Counters(bytes + o.bytes, packets + o.packets, reverseBytes + o.reverseBytes,
          reversePackets + o.reversePackets);
    }

    Counters times(long factor) {
      return new Counters(bytes * factor, packets * factor, reverseBytes * factor, reversePackets * factor);
    }

    Counters dividedBy(long divisor) {
      assertThat(new long[] {bytes % divisor, packets % divisor, reverseBytes % divisor, reversePackets % divisor})
          .as("nfdump's counters are multiples of the rate it applied").containsOnly(0L);
      return new Counters(bytes / divisor, packets / divisor, reverseBytes / divisor, reversePackets / divisor);
    }
  }

  static Stream<Variant> variants() {
    return lines("index.csv").stream().skip(1).map(line -> line.split(",")).map(f -> new Variant(
        f[0], Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]), Integer.parseInt(f[7])));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void rawCountersEqualNfdumpTotalsPerTupleAndHour(Variant variant) {
    NetflowDecoder decoder = new NetflowDecoder(DecoderSettings.defaults().withSamplingMode(SamplingMode.IGNORE));
    List<DecodedFlow.Snapshot> flows = decodeAll(decoder, variant);

    Map<TupleHour, Counters> nfdumpRaw = new TreeMap<>();
    expectedTotals(variant).forEach((k, v) -> nfdumpRaw.put(k, v.dividedBy(variant.samplingAppliedByNfdump())));
    assertThat(totalsOf(flows)).containsExactlyEntriesOf(nfdumpRaw);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void appliedSamplingMultipliesByTheAnnouncedRate(Variant variant) {
    List<DecodedFlow.Snapshot> flows = decodeAll(new NetflowDecoder(), variant);

    Map<TupleHour, Counters> scaled = new TreeMap<>();
    expectedTotals(variant).forEach((k, v) -> scaled.put(k,
        v.dividedBy(variant.samplingAppliedByNfdump()).times(variant.samplingAnnounced())));
    assertThat(totalsOf(flows)).containsExactlyEntriesOf(scaled);
    assertThat(flows).allSatisfy(f -> {
      assertThat(f.samplingRate()).isEqualTo(variant.samplingAnnounced());
      assertThat(f.samplingApplied()).isEqualTo(variant.samplingAnnounced() > 1);
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyRecordIsDecodedInExportOrderWithNfdumpEndTime(Variant variant) {
    NetflowDecoder decoder = new NetflowDecoder(DecoderSettings.defaults().withSamplingMode(SamplingMode.IGNORE));
    List<DecodedFlow.Snapshot> flows = decodeAll(decoder, variant);

    List<String> expected = lines(variant.name() + ".expected.csv");
    List<String> header = Arrays.asList(expected.getFirst().split(","));
    List<String> want = new ArrayList<>();
    for (String line : expected.subList(1, expected.size())) {
      String[] f = line.split(",");
      want.add(String.join(" ", f[header.indexOf("last_ms")], f[header.indexOf("src")], f[header.indexOf("sport")],
          f[header.indexOf("dst")], f[header.indexOf("dport")], f[header.indexOf("proto")]));
    }
    List<String> got = flows.stream().map(f -> f.endMillis() + " " + f.srcAddress() + " " + f.srcPort() + " "
        + f.dstAddress() + " " + f.dstPort() + " " + f.protocol()).toList();
    assertThat(got).containsExactlyElementsOf(want);
    assertThat(flows).hasSize(variant.records());

    ExporterStats stats = decoder.stats().snapshot().getFirst();
    assertThat(stats.datagrams()).isEqualTo(variant.datagrams());
    assertThat(stats.errors()).isEmpty();
    assertThat(stats.setsQueued()).isZero();
  }

  private static List<DecodedFlow.Snapshot> decodeAll(NetflowDecoder decoder, Variant variant) {
    List<DecodedFlow.Snapshot> flows = new ArrayList<>();
    List<byte[]> datagrams = datagrams(variant.name() + ".datagrams");
    assertThat(datagrams).hasSize(variant.datagrams());
    for (byte[] d : datagrams) {
      decoder.decode(EXPORTER, d, 0, d.length, exportMillisOf(d), flow -> flows.add(flow.snapshot()));
    }
    return flows;
  }

  /** The export time a datagram's header states: v5 and v9 have unix seconds at offset 8, IPFIX at offset 4. */
  private static long exportMillisOf(byte[] d) {
    int version = BigEndian.u16(d, 0);
    return switch (version) {
      case 5 -> BigEndian.u32(d, 8) * 1000 + BigEndian.u32(d, 12) / 1_000_000;
      case 9 -> BigEndian.u32(d, 8) * 1000;
      case 10 -> BigEndian.u32(d, 4) * 1000;
      default -> throw new AssertionError("version " + version);
    };
  }

  private static Map<TupleHour, Counters> totalsOf(List<DecodedFlow.Snapshot> flows) {
    Map<TupleHour, Counters> totals = new TreeMap<>();
    for (DecodedFlow.Snapshot f : flows) {
      TupleHour key = new TupleHour(f.srcAddress(), f.dstAddress(), f.srcPort(), f.dstPort(), f.protocol(),
          Math.floorDiv(f.endMillis(), MILLIS_PER_HOUR));
      totals.merge(key, new Counters(f.bytes(), f.packets(), f.reverseBytes(), f.reversePackets()), Counters::plus);
    }
    return totals;
  }

  private static Map<TupleHour, Counters> expectedTotals(Variant variant) {
    List<String> lines = lines(variant.name() + ".totals.csv");
    Map<TupleHour, Counters> totals = new TreeMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      TupleHour key = new TupleHour(IpAddress.parse(f[0]), IpAddress.parse(f[1]), Integer.parseInt(f[2]),
          Integer.parseInt(f[3]), Integer.parseInt(f[4]), Long.parseLong(f[5]));
      Counters c = variant.isBiflow()
          ? new Counters(Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]), Long.parseLong(f[9]))
          : new Counters(Long.parseLong(f[6]), Long.parseLong(f[7]), 0, 0);
      totals.merge(key, c, Counters::plus);
    }
    return totals;
  }

  /** Reads the {@code .datagrams} format: each datagram as a big-endian u32 length followed by its bytes. */
  private static List<byte[]> datagrams(String resource) {
    try (DataInputStream in = new DataInputStream(open(resource))) {
      List<byte[]> out = new ArrayList<>();
      while (true) {
        int length;
        try {
          length = in.readInt();
        } catch (EOFException end) {
          return out;
        }
        byte[] d = new byte[length];
        in.readFully(d);
        out.add(d);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines(String resource) {
    try (InputStream in = open(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream open(String resource) {
    InputStream in = GoldenCaptureTest.class.getResourceAsStream("/golden/" + resource);
    assertThat(in).as(resource).isNotNull();
    return in;
  }
}
