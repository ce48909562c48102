package dev.flowagg.protocol.netflow.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.DecodedFlow;
import dev.flowagg.protocol.netflow.NetflowDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExportSessionTest {

  private static final long EXPORT_MILLIS = 1_767_225_600_456L;
  private static final long BOOT_MILLIS = EXPORT_MILLIS - 7 * 86_400_000L;
  private static final IpAddress EXPORTER = IpAddress.parse("192.0.2.1");

  private static List<FlowSpec> flows(int n, boolean withIpv6AndBiflows) {
    return IntStream.range(0, n).mapToObj(i -> {
      String dst = withIpv6AndBiflows && i % 3 == 0 ? "2001:db8::" + Integer.toHexString(i + 1) : "10.1." + i / 250
          + "." + i % 250;
      FlowSpec f = FlowSpec.of("10.0.0." + i % 250, dst, 1024 + i, 53, 17, 64L + i, 1 + i % 5, EXPORT_MILLIS - 10L * i);
      return withIpv6AndBiflows && i % 2 == 0 ? f.withReverse(3L * i, i % 7) : f;
    }).toList();
  }

  private static List<DecodedFlow.Snapshot> decodeAll(List<byte[]> datagrams) {
    NetflowDecoder decoder = new NetflowDecoder();
    List<DecodedFlow.Snapshot> out = new ArrayList<>();
    for (byte[] d : datagrams) {
      decoder.decode(EXPORTER, d, 0, d.length, EXPORT_MILLIS, f -> out.add(f.snapshot()));
    }
    assertThat(decoder.stats().snapshot()).allSatisfy(s -> assertThat(s.errors()).isEmpty());
    return out;
  }

  /** The ids of the sets in a v9 or IPFIX datagram, in order. */
  private static List<Integer> setIds(byte[] d) {
    ByteBuffer b = ByteBuffer.wrap(d);
    List<Integer> ids = new ArrayList<>();
    for (int p = b.getShort(0) == 9 ? 20 : 16; p + 4 <= d.length; p += b.getShort(p + 2) & 0xFFFF) {
      ids.add(b.getShort(p) & 0xFFFF);
    }
    return ids;
  }

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void flowsRoundTripThroughTheDecoder(ExportFormat format) {
    boolean rich = format != ExportFormat.NETFLOW_V5;
    List<FlowSpec> sent = flows(500, rich);
    ExportSession session = new ExportSession(ExportSettings.of(format, BOOT_MILLIS).withObservationDomain(0x0102));

    List<DecodedFlow.Snapshot> received = decodeAll(session.encode(sent, EXPORT_MILLIS));

    assertThat(received).hasSize(sent.size());
    for (int i = 0; i < sent.size(); i++) {
      FlowSpec s = sent.get(i);
      DecodedFlow.Snapshot r = received.get(i);
      assertThat(r.srcAddress()).isEqualTo(s.src());
      assertThat(r.dstAddress()).isEqualTo(s.dst());
      assertThat(r.srcPort()).isEqualTo(s.srcPort());
      assertThat(r.dstPort()).isEqualTo(s.dstPort());
      assertThat(r.protocol()).isEqualTo(s.protocol());
      assertThat(r.bytes()).isEqualTo(s.bytes());
      assertThat(r.packets()).isEqualTo(s.packets());
      assertThat(r.endMillis()).isEqualTo(s.endMillis());
      assertThat(r.observationDomain()).isEqualTo(0x0102);
      long reverse = format == ExportFormat.IPFIX ? s.reverseBytes() : 0;
      assertThat(r.reverseBytes()).as("v9 has no reverse counters").isEqualTo(reverse);
    }
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void templatesAreResentEveryNDatagrams(ExportFormat format) {
    ExportSession session = new ExportSession(ExportSettings.of(format, BOOT_MILLIS).withTemplateRefreshEvery(3));

    List<byte[]> datagrams = session.encode(flows(300, false), EXPORT_MILLIS);

    int templateSet = format == ExportFormat.IPFIX ? 2 : 0;
    List<Integer> withTemplates = IntStream.range(0, datagrams.size())
        .filter(i -> setIds(datagrams.get(i)).contains(templateSet)).boxed().toList();
    assertThat(datagrams.size()).isGreaterThan(6);
    assertThat(withTemplates).allMatch(i -> i % 3 == 0).contains(0, 3, 6);
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void datagramsStayWithinTheConfiguredSize(ExportFormat format) {
    ExportSession session = new ExportSession(ExportSettings.of(format, BOOT_MILLIS).withMaxDatagramBytes(512));

    List<byte[]> datagrams = session.encode(flows(400, true), EXPORT_MILLIS);

    assertThat(datagrams).allSatisfy(d -> assertThat(d.length).isLessThanOrEqualTo(512));
    assertThat(decodeAll(datagrams)).hasSize(400);
  }

  @Test
  void v5PacksThirtyRecordsPerDatagramAndCountsFlowsInItsSequence() {
    ExportSession session = new ExportSession(ExportSettings.of(ExportFormat.NETFLOW_V5, BOOT_MILLIS));

    List<byte[]> datagrams = session.encode(flows(75, false), EXPORT_MILLIS);

    assertThat(datagrams).extracting(d -> ByteBuffer.wrap(d).getShort(2) & 0xFFFF).containsExactly(30, 30, 15);
    assertThat(datagrams).extracting(d -> ByteBuffer.wrap(d).getInt(16)).containsExactly(0, 30, 60);
  }

  @Test
  void ipfixSequenceCountsDataRecordsAndV9SequenceCountsPackets() {
    ExportSession ipfix = new ExportSession(ExportSettings.of(ExportFormat.IPFIX, BOOT_MILLIS));
    ExportSession v9 = new ExportSession(ExportSettings.of(ExportFormat.NETFLOW_V9, BOOT_MILLIS));

    List<byte[]> ipfixDatagrams = ipfix.encode(flows(100, false), EXPORT_MILLIS);
    List<byte[]> v9Datagrams = v9.encode(flows(100, false), EXPORT_MILLIS);

    assertThat(ByteBuffer.wrap(ipfixDatagrams.get(1)).getInt(8)).isGreaterThan(1);
    assertThat(v9Datagrams).extracting(d -> ByteBuffer.wrap(d).getInt(12))
        .containsExactlyElementsOf(IntStream.range(0, v9Datagrams.size()).boxed().toList());
  }

  @Test
  void v5RefusesIpv6Flows() {
    ExportSession session = new ExportSession(ExportSettings.of(ExportFormat.NETFLOW_V5, BOOT_MILLIS));
    FlowSpec v6 = FlowSpec.of("2001:db8::1", "2001:db8::2", 1, 2, 6, 1, 1, EXPORT_MILLIS);

    assertThatThrownBy(() -> session.encode(List.of(v6), EXPORT_MILLIS)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noFlowsMeansNoDatagrams() {
    ExportSession session = new ExportSession(ExportSettings.of(ExportFormat.IPFIX, BOOT_MILLIS));

    assertThat(session.encode(List.of(), EXPORT_MILLIS)).isEmpty();
  }
}
