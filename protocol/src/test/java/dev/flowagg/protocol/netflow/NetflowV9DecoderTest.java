package dev.flowagg.protocol.netflow;

import static dev.flowagg.protocol.netflow.InformationElement.DESTINATION_IPV4_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.DESTINATION_IPV6_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.FLOW_END_SYS_UP_TIME;
import static dev.flowagg.protocol.netflow.InformationElement.ICMP_TYPE_CODE_IPV4;
import static dev.flowagg.protocol.netflow.InformationElement.INGRESS_INTERFACE;
import static dev.flowagg.protocol.netflow.InformationElement.OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.PACKET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.POST_OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.POST_PACKET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.PROTOCOL_IDENTIFIER;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLING_INTERVAL;
import static dev.flowagg.protocol.netflow.InformationElement.SOURCE_IPV4_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.SOURCE_IPV6_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.TCP_CONTROL_BITS;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORTER;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORT_MILLIS;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORT_SECONDS;
import static dev.flowagg.protocol.netflow.TestDatagrams.FLOW_TEMPLATE;
import static dev.flowagg.protocol.netflow.TestDatagrams.UPTIME_MILLIS;
import static dev.flowagg.protocol.netflow.TestDatagrams.decode;
import static dev.flowagg.protocol.netflow.TestDatagrams.flow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.encode.FieldSpec;
import dev.flowagg.protocol.netflow.encode.NetflowV9DatagramBuilder;
import dev.flowagg.protocol.netflow.encode.RecordSpec;
import dev.flowagg.protocol.netflow.encode.TemplateSpec;
import dev.flowagg.protocol.netflow.encode.V9ScopeType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetflowV9DecoderTest {

  private final NetflowDecoder decoder = new NetflowDecoder();
  private final CollectingSink sink = new CollectingSink();

  private static NetflowV9DatagramBuilder packet() {
    return NetflowV9DatagramBuilder.create().sourceId(42).unixSeconds(EXPORT_SECONDS).sysUptimeMillis(UPTIME_MILLIS);
  }

  private ExporterStats stats() {
    return decoder.stats().of(EXPORTER, 9);
  }

  @Test
  void decodesIpv4FlowsWithTheirTemplateInTheSamePacket() {
    byte[] datagram = packet().templates(FLOW_TEMPLATE)
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1500), flow("10.0.0.3", "10.0.0.4", 60))
        .build();

    assertThat(decode(decoder, datagram, sink)).isEqualTo(2);

    DecodedFlow.Snapshot first = sink.flows.getFirst();
    assertThat(first.version()).isEqualTo(9);
    assertThat(first.observationDomain()).isEqualTo(42);
    assertThat(first.srcAddress()).isEqualTo(IpAddress.parse("10.0.0.1"));
    assertThat(first.dstAddress()).isEqualTo(IpAddress.parse("10.0.0.2"));
    assertThat(first.srcPort()).isEqualTo(40000);
    assertThat(first.dstPort()).isEqualTo(443);
    assertThat(first.protocol()).isEqualTo(6);
    assertThat(first.bytes()).isEqualTo(1500);
    assertThat(first.packets()).isEqualTo(10);
    assertThat(first.endMillis()).as("no end field: the export time").isEqualTo(EXPORT_MILLIS);
    assertThat(sink.bytes()).containsExactly(1500L, 60L);
    assertThat(stats().templates()).isEqualTo(1);
    assertThat(stats().flows()).isEqualTo(2);
    assertThat(stats().totalErrors()).isZero();
  }

  @Test
  void decodesIpv6Flows() {
    TemplateSpec v6 = TemplateSpec.of(300, SOURCE_IPV6_ADDRESS, DESTINATION_IPV6_ADDRESS, OCTET_DELTA_COUNT);
    byte[] datagram = packet().templates(v6)
        .data(v6, RecordSpec.empty()
            .with(SOURCE_IPV6_ADDRESS, IpAddress.parse("2001:db8::1"))
            .with(DESTINATION_IPV6_ADDRESS, IpAddress.parse("2001:db8:ffff::2"))
            .with(OCTET_DELTA_COUNT, 9000))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().srcAddress()).isEqualTo(IpAddress.parse("2001:db8::1"));
    assertThat(sink.only().dstAddress()).isEqualTo(IpAddress.parse("2001:db8:ffff::2"));
    assertThat(sink.only().bytes()).isEqualTo(9000);
  }

  @Test
  void decodesSeveralFlowsetsOfDifferentTemplatesInOnePacket() {
    TemplateSpec small = TemplateSpec.of(257, SOURCE_IPV4_ADDRESS, OCTET_DELTA_COUNT);
    byte[] datagram = packet().templates(FLOW_TEMPLATE, small)
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1))
        .data(small, RecordSpec.empty().with(SOURCE_IPV4_ADDRESS, IpAddress.parse("10.9.9.9"))
            .with(OCTET_DELTA_COUNT, 2))
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 3))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.bytes()).containsExactly(1L, 2L, 3L);
    assertThat(sink.flows.get(1).srcAddress()).isEqualTo(IpAddress.parse("10.9.9.9"));
    assertThat(stats().totalErrors()).isZero();
  }

  @Test
  void outBytesAndPacketsCountWhenInBytesIsAbsent() {
    TemplateSpec egress = TemplateSpec.of(256, SOURCE_IPV4_ADDRESS, POST_OCTET_DELTA_COUNT, POST_PACKET_DELTA_COUNT);
    byte[] datagram = packet().templates(egress)
        .data(egress, RecordSpec.empty().with(POST_OCTET_DELTA_COUNT, 700).with(POST_PACKET_DELTA_COUNT, 7))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().bytes()).isEqualTo(700);
    assertThat(sink.only().packets()).isEqualTo(7);
  }

  @Test
  void inBytesWinsOverOutBytes() {
    TemplateSpec both = TemplateSpec.of(256, OCTET_DELTA_COUNT, POST_OCTET_DELTA_COUNT);
    byte[] datagram = packet().templates(both)
        .data(both, RecordSpec.empty().with(OCTET_DELTA_COUNT, 100).with(POST_OCTET_DELTA_COUNT, 700))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().bytes()).isEqualTo(100);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void countersInReducedSizeAreRead(int length) {
    long largest = length == 8 ? Long.MAX_VALUE : (1L << (8 * length)) - 1;
    TemplateSpec reduced = TemplateSpec.of(256, FieldSpec.of(OCTET_DELTA_COUNT, length),
        FieldSpec.of(PACKET_DELTA_COUNT, length));
    byte[] datagram = packet().templates(reduced)
        .data(reduced, RecordSpec.empty().with(OCTET_DELTA_COUNT, largest).with(PACKET_DELTA_COUNT, 1))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().bytes()).isEqualTo(largest);
    assertThat(sink.only().packets()).isEqualTo(1);
  }

  @Test
  void endTimeIsTheExportTimeMinusTheAgeInUptime() {
    TemplateSpec timed = TemplateSpec.of(256, OCTET_DELTA_COUNT, FLOW_END_SYS_UP_TIME);
    byte[] datagram = packet().templates(timed)
        .data(timed, RecordSpec.empty().with(FLOW_END_SYS_UP_TIME, UPTIME_MILLIS - 4_321))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().endMillis()).isEqualTo(EXPORT_MILLIS - 4_321);
  }

  @Test
  void endTimeSurvivesTheUptimeCounterWrapping() {
    TemplateSpec timed = TemplateSpec.of(256, OCTET_DELTA_COUNT, FLOW_END_SYS_UP_TIME);
    // LAST_SWITCHED 1 s before the 32-bit uptime wrapped; the header says 500 ms after the wrap.
    byte[] datagram = packet().sysUptimeMillis(500).templates(timed)
        .data(timed, RecordSpec.empty().with(FLOW_END_SYS_UP_TIME, 0xFFFF_FFFFL - 999))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().endMillis()).isEqualTo(EXPORT_MILLIS - 1_500);
  }

  @Test
  void flowStampedJustAfterTheExportEndsJustAfterIt() {
    TemplateSpec timed = TemplateSpec.of(256, OCTET_DELTA_COUNT, FLOW_END_SYS_UP_TIME);
    byte[] datagram = packet().templates(timed)
        .data(timed, RecordSpec.empty().with(FLOW_END_SYS_UP_TIME, UPTIME_MILLIS + 20))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().endMillis()).isEqualTo(EXPORT_MILLIS + 20);
  }

  @Test
  void fieldsTheDecoderDoesNotReadAreSkippedByTheirLength() {
    TemplateSpec wide = TemplateSpec.of(256, FieldSpec.of(INGRESS_INTERFACE), FieldSpec.of(SOURCE_IPV4_ADDRESS),
        FieldSpec.of(0, 999, 7), FieldSpec.of(TCP_CONTROL_BITS), FieldSpec.of(OCTET_DELTA_COUNT));
    byte[] datagram = packet().templates(wide)
        .data(wide, RecordSpec.empty().with(INGRESS_INTERFACE, 3).with(SOURCE_IPV4_ADDRESS, IpAddress.parse("10.1.1.1"))
            .with(FieldSpec.of(0, 999, 7), "garbage").with(TCP_CONTROL_BITS, 0x12).with(OCTET_DELTA_COUNT, 99))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().srcAddress()).isEqualTo(IpAddress.parse("10.1.1.1"));
    assertThat(sink.only().bytes()).isEqualTo(99);
  }

  @Test
  void flowsetPaddingIsNotReadAsRecords() {
    // 4 + 1 + 4 = 9-byte records: a flowset of two records gets 2 bytes of padding, one of 3 bytes is padded by 3.
    TemplateSpec odd = TemplateSpec.of(256, FieldSpec.of(SOURCE_IPV4_ADDRESS), FieldSpec.of(PROTOCOL_IDENTIFIER),
        FieldSpec.of(OCTET_DELTA_COUNT, 4));
    byte[] datagram = packet().padSetsTo(4).templates(odd)
        .data(odd, RecordSpec.empty().with(OCTET_DELTA_COUNT, 1), RecordSpec.empty().with(OCTET_DELTA_COUNT, 2))
        .data(odd, RecordSpec.empty().with(OCTET_DELTA_COUNT, 3))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.bytes()).containsExactly(1L, 2L, 3L);
    assertThat(stats().totalErrors()).isZero();
  }

  @Test
  void optionsScopeFieldsAreNotMistakenForFlowFields() {
    // Scope type 1 (System) shares its number with IN_BYTES; it must not become a sampling record's "bytes".
    TemplateSpec options = TemplateSpec.options(400, List.of(FieldSpec.v9Scope(V9ScopeType.SYSTEM, 4)),
        List.of(FieldSpec.of(SAMPLING_INTERVAL)));
    byte[] datagram = packet().optionsTemplates(options).templates(FLOW_TEMPLATE)
        .data(options, RecordSpec.empty().with(SAMPLING_INTERVAL, 4))
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 10))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().bytes()).isEqualTo(40);
    assertThat(stats().optionsRecords()).isEqualTo(1);
  }

  @Test
  void headerCountThatDiffersFromTheRecordsIsCounted() {
    byte[] datagram = packet().templates(FLOW_TEMPLATE).data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1))
        .declaredCount(7).build();

    decode(decoder, datagram, sink);

    assertThat(sink.flows).hasSize(1);
    assertThat(stats().errors(DecodeError.RECORD_COUNT_MISMATCH)).isEqualTo(1);
  }

  @Test
  void headerCountIncludesTemplateRecords() {
    byte[] datagram = packet().templates(FLOW_TEMPLATE).data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1)).build();

    decode(decoder, datagram, sink);

    assertThat(stats().errors(DecodeError.RECORD_COUNT_MISMATCH)).isZero();
  }

  @Test
  void headerCountOfFlowRecordsOnlyIsAcceptedAsSoftflowdSendsIt() {
    TemplateSpec options = TemplateSpec.options(300, List.of(FieldSpec.v9Scope(V9ScopeType.SYSTEM, 4)),
        List.of(FieldSpec.of(SAMPLING_INTERVAL)));
    byte[] datagram = packet().templates(FLOW_TEMPLATE).optionsTemplates(options)
        .data(options, RecordSpec.empty().with(SAMPLING_INTERVAL, 4))
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1), flow("10.0.0.3", "10.0.0.4", 1))
        .declaredCount(2).build();

    decode(decoder, datagram, sink);

    assertThat(sink.flows).hasSize(2);
    assertThat(stats().errors(DecodeError.RECORD_COUNT_MISMATCH)).isZero();
  }

  @Test
  void icmpTypeAndCodeAreReportedAsTheDestinationPortLikeV5Does() {
    TemplateSpec icmp = TemplateSpec.of(300, FieldSpec.of(SOURCE_IPV4_ADDRESS), FieldSpec.of(DESTINATION_IPV4_ADDRESS),
        FieldSpec.of(ICMP_TYPE_CODE_IPV4), FieldSpec.of(PROTOCOL_IDENTIFIER), FieldSpec.of(OCTET_DELTA_COUNT));
    byte[] datagram = packet().templates(icmp)
        .data(icmp, RecordSpec.empty().with(SOURCE_IPV4_ADDRESS, IpAddress.parse("10.0.0.1"))
            .with(DESTINATION_IPV4_ADDRESS, IpAddress.parse("10.0.0.2"))
            // echo request: type 8, code 0
            .with(ICMP_TYPE_CODE_IPV4, 8 * 256).with(PROTOCOL_IDENTIFIER, 1).with(OCTET_DELTA_COUNT, 84))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().srcPort()).isZero();
    assertThat(sink.only().dstPort()).isEqualTo(2048);
  }
}
