package dev.flowagg.protocol.netflow;

import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORTER;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORT_MILLIS;
import static dev.flowagg.protocol.netflow.TestDatagrams.decode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.encode.NetflowV5DatagramBuilder;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetflowV5DecoderTest {

  private final NetflowDecoder decoder = new NetflowDecoder();
  private final CollectingSink sink = new CollectingSink();

  private static NetflowV5DatagramBuilder packet() {
    return NetflowV5DatagramBuilder.create().sysUptimeMillis(5_000_000).exportTimeMillis(EXPORT_MILLIS + 250);
  }

  @Test
  void decodesTheFieldsOfEachRecord() {
    byte[] datagram = packet().engine(1, 7)
        .record(r -> r.src("10.0.0.1").dst("10.0.0.2").srcPort(40000).dstPort(443).protocol(6)
            .octets(1500).packets(3).firstUptimeMillis(4_990_000).lastUptimeMillis(4_999_000).tcpFlags(0x1B))
        .record(r -> r.src("10.0.0.3").dst("192.168.1.1").srcPort(53).dstPort(5353).protocol(17)
            .octets(80).packets(1).lastUptimeMillis(5_000_000))
        .build();

    assertThat(decode(decoder, datagram, sink)).isEqualTo(2);

    DecodedFlow.Snapshot first = sink.flows.get(0);
    assertThat(first.exporter()).isEqualTo(EXPORTER);
    assertThat(first.version()).isEqualTo(5);
    assertThat(first.observationDomain()).isEqualTo(1 << 8 | 7);
    assertThat(first.srcAddress()).isEqualTo(IpAddress.parse("10.0.0.1"));
    assertThat(first.dstAddress()).isEqualTo(IpAddress.parse("10.0.0.2"));
    assertThat(first.srcPort()).isEqualTo(40000);
    assertThat(first.dstPort()).isEqualTo(443);
    assertThat(first.protocol()).isEqualTo(6);
    assertThat(first.bytes()).isEqualTo(1500);
    assertThat(first.packets()).isEqualTo(3);
    assertThat(first.reverseBytes()).isZero();
    assertThat(first.samplingRate()).isEqualTo(1.0);
    assertThat(first.samplingApplied()).isFalse();
    assertThat(sink.flows.get(1).protocol()).isEqualTo(17);
    assertThat(sink.flows.get(1).dstAddress()).isEqualTo(IpAddress.parse("192.168.1.1"));
  }

  @Test
  void endTimeIsTheHeaderClockMinusTheRecordsAgeInUptime() {
    byte[] datagram = packet().record(r -> r.src("10.0.0.1").lastUptimeMillis(5_000_000 - 1_234)).build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().endMillis()).isEqualTo(EXPORT_MILLIS + 250 - 1_234);
  }

  @Test
  void endTimeSurvivesTheUptimeCounterWrapping() {
    // The 32-bit uptime wrapped 3 s after the flow ended, 2 s before the export.
    long lastBeforeWrap = 0xFFFF_FFFFL - 999;
    byte[] datagram = NetflowV5DatagramBuilder.create().sysUptimeMillis(2_000).exportTimeMillis(EXPORT_MILLIS)
        .record(r -> r.src("10.0.0.1").lastUptimeMillis(lastBeforeWrap))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().endMillis()).isEqualTo(EXPORT_MILLIS - 3_000);
  }

  @Test
  void headerSamplingIntervalScalesTheCounts() {
    byte[] datagram = packet().sampling(1, 100).record(r -> r.src("10.0.0.1").octets(1500).packets(3)).build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().bytes()).isEqualTo(150_000);
    assertThat(sink.only().packets()).isEqualTo(300);
    assertThat(sink.only().samplingRate()).isEqualTo(100.0);
    assertThat(sink.only().samplingApplied()).isTrue();
  }

  @Test
  void samplingModeBitsAreNotPartOfTheInterval() {
    byte[] datagram = packet().sampling(2, 0x3FFF).record(r -> r.octets(1)).build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().samplingRate()).isEqualTo(0x3FFF);
  }

  @Test
  void ignoreModeReportsTheRateButKeepsTheCounts() {
    NetflowDecoder ignoring = new NetflowDecoder(DecoderSettings.defaults().withSamplingMode(SamplingMode.IGNORE));
    byte[] datagram = packet().sampling(1, 10).record(r -> r.octets(1500).packets(3)).build();

    decode(ignoring, datagram, sink);

    assertThat(sink.only().bytes()).isEqualTo(1500);
    assertThat(sink.only().samplingRate()).isEqualTo(10.0);
    assertThat(sink.only().samplingApplied()).isFalse();
  }

  @Test
  void countAboveThirtyRefusesTheDatagram() {
    NetflowV5DatagramBuilder b = packet();
    for (int i = 0; i < 31; i++) {
      b.record(r -> r.octets(1));
    }

    decode(decoder, b.build(), sink);

    assertThat(sink.flows).isEmpty();
    assertThat(decoder.stats().of(EXPORTER, 5).errors(DecodeError.RECORD_COUNT_MISMATCH)).isEqualTo(1);
  }

  @Test
  void countBeyondTheDatagramRefusesItAsTruncated() {
    byte[] datagram = packet().record(r -> r.octets(1)).record(r -> r.octets(2)).declaredCount(5).build();

    decode(decoder, datagram, sink);

    assertThat(sink.flows).isEmpty();
    assertThat(decoder.stats().of(EXPORTER, 5).errors(DecodeError.DATAGRAM_TRUNCATED)).isEqualTo(1);
  }

  @Test
  void recordCutShortRefusesTheDatagram() {
    byte[] whole = packet().record(r -> r.octets(1)).record(r -> r.octets(2)).build();
    byte[] cut = Arrays.copyOf(whole, whole.length - 1);

    decode(decoder, cut, sink);

    assertThat(sink.flows).isEmpty();
    assertThat(decoder.stats().of(EXPORTER, 5).errors(DecodeError.DATAGRAM_TRUNCATED)).isEqualTo(1);
  }

  @Test
  void recordEndingWithinCiscosSlackAfterTheExportIsDecoded() {
    // IOS bug CSCei12353: Last a little past the header's sysUptime.
    byte[] datagram = packet().record(r -> r.src("10.0.0.1").firstUptimeMillis(4_999_000).lastUptimeMillis(5_090_000))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().endMillis()).isEqualTo(EXPORT_MILLIS + 250 + 90_000);
  }

  @Test
  void aFirstOfZeroIsNotMeasuredAndNeverBeforeTheEnd() {
    // The uptime wrapped 500 ms before the export, the flow ended 500 ms before the wrap; First left at 0.
    byte[] datagram = NetflowV5DatagramBuilder.create().sysUptimeMillis(500).exportTimeMillis(EXPORT_MILLIS)
        .record(r -> r.src("10.0.0.1").lastUptimeMillis(0x1_0000_0000L - 500))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().endMillis()).isEqualTo(EXPORT_MILLIS - 1_000);
  }

  @Test
  void oneRecordWithImpossibleTimesRefusesTheWholeDatagram() {
    byte[] datagram = packet().record(r -> r.src("10.0.0.1").lastUptimeMillis(4_000_000))
        .record(r -> r.src("10.0.0.2").firstUptimeMillis(4_500_000).lastUptimeMillis(4_400_000))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.flows).isEmpty();
    assertThat(decoder.stats().of(EXPORTER, 5).errors()).isEqualTo(Map.of(DecodeError.RECORD_TIME_IMPLAUSIBLE, 1L));
    assertThat(decoder.stats().of(EXPORTER, 5).flows()).isZero();
  }

  @Test
  void randomRecordsBehindAPlausibleHeaderBecomeNoFlows() {
    // What a flood of garbage that passes the header checks looks like: version 5, count and length right, a clock
    // that is set, then 30 records of random bytes.
    Random random = new Random(16);
    int datagrams = 10_000;
    for (int i = 0; i < datagrams; i++) {
      byte[] datagram = packet().declaredCount(30).build();
      byte[] records = new byte[30 * 48];
      random.nextBytes(records);
      byte[] garbage = Arrays.copyOf(datagram, datagram.length + records.length);
      System.arraycopy(records, 0, garbage, datagram.length, records.length);

      decode(decoder, garbage, sink);
    }

    assertThat(sink.flows).isEmpty();
    assertThat(decoder.stats().of(EXPORTER, 5).errors(DecodeError.RECORD_TIME_IMPLAUSIBLE)).isEqualTo(datagrams);
  }

  @Test
  void headerShorterThanTwentyFourBytesIsCounted() {
    byte[] header = packet().build();
    byte[] cut = Arrays.copyOf(header, 23);

    decode(decoder, cut, sink);

    assertThat(sink.flows).isEmpty();
    assertThat(decoder.stats().of(EXPORTER, 5).errors(DecodeError.DATAGRAM_TOO_SHORT)).isEqualTo(1);
  }
}
