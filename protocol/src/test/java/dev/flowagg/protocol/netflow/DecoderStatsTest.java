package dev.flowagg.protocol.netflow;

import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORTER;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORT_MILLIS;
import static dev.flowagg.protocol.netflow.TestDatagrams.FLOW_TEMPLATE;
import static dev.flowagg.protocol.netflow.TestDatagrams.OTHER_EXPORTER;
import static dev.flowagg.protocol.netflow.TestDatagrams.decode;
import static dev.flowagg.protocol.netflow.TestDatagrams.flow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.flowagg.protocol.netflow.encode.IpfixMessageBuilder;
import dev.flowagg.protocol.netflow.encode.NetflowV5DatagramBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecoderStatsTest {

  private final NetflowDecoder decoder = new NetflowDecoder();

  @Test
  void countsPerExporterAndVersion() {
    byte[] v5 = NetflowV5DatagramBuilder.create().exportTimeMillis(EXPORT_MILLIS).record(r -> r.octets(1))
        .record(r -> r.octets(2)).build();
    byte[] ipfix = IpfixMessageBuilder.create().templates(FLOW_TEMPLATE)
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1)).build();

    decode(decoder, EXPORTER, v5, EXPORT_MILLIS, f -> {});
    decode(decoder, EXPORTER, v5, EXPORT_MILLIS, f -> {});
    decode(decoder, EXPORTER, ipfix, EXPORT_MILLIS, f -> {});
    decode(decoder, OTHER_EXPORTER, new byte[] {0, 42, 0, 0}, EXPORT_MILLIS, f -> {});

    List<ExporterStats> all = decoder.stats().snapshot();
    assertThat(all).extracting(ExporterStats::exporter, ExporterStats::version)
        .containsExactly(
            tuple(EXPORTER, 5),
            tuple(EXPORTER, 10),
            tuple(OTHER_EXPORTER, 0));
    ExporterStats v5Stats = all.get(0);
    assertThat(v5Stats.datagrams()).isEqualTo(2);
    assertThat(v5Stats.datagramBytes()).isEqualTo(2L * v5.length);
    assertThat(v5Stats.flows()).isEqualTo(4);
    assertThat(all.get(1).templates()).isEqualTo(1);
    assertThat(all.get(1).flows()).isEqualTo(1);
    assertThat(all.get(2).errors(DecodeError.UNKNOWN_VERSION)).isEqualTo(1);
  }

  @Test
  void resetRestartsCountersButKeepsTheWaitingGauge() {
    byte[] dataOnly = IpfixMessageBuilder.create().data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1)).build();
    decode(decoder, dataOnly, f -> {});
    decode(decoder, new byte[] {0, 10, 0}, f -> {});

    List<ExporterStats> before = decoder.stats().snapshotAndReset();
    ExporterStats after = decoder.stats().of(EXPORTER, 10);

    assertThat(before.getFirst().datagrams()).isEqualTo(2);
    assertThat(before.getFirst().setsQueued()).isEqualTo(1);
    assertThat(before.getFirst().errors(DecodeError.DATAGRAM_TOO_SHORT)).isEqualTo(1);
    assertThat(after.datagrams()).isZero();
    assertThat(after.setsQueued()).isZero();
    assertThat(after.totalErrors()).isZero();
    assertThat(after.setsWaiting()).isEqualTo(1);
  }

  @Test
  void anUnseenExporterReadsAsZeros() {
    ExporterStats none = decoder.stats().of(OTHER_EXPORTER, 9);

    assertThat(none.datagrams()).isZero();
    assertThat(none.errors()).isEmpty();
  }
}
