package dev.flowagg.protocol.netflow;

import static dev.flowagg.protocol.netflow.InformationElement.APPLICATION_NAME;
import static dev.flowagg.protocol.netflow.InformationElement.DESTINATION_IPV4_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.DESTINATION_IPV6_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.DESTINATION_TRANSPORT_PORT;
import static dev.flowagg.protocol.netflow.InformationElement.FLOW_END_DELTA_MICROSECONDS;
import static dev.flowagg.protocol.netflow.InformationElement.FLOW_END_MICROSECONDS;
import static dev.flowagg.protocol.netflow.InformationElement.FLOW_END_MILLISECONDS;
import static dev.flowagg.protocol.netflow.InformationElement.FLOW_END_NANOSECONDS;
import static dev.flowagg.protocol.netflow.InformationElement.FLOW_END_SECONDS;
import static dev.flowagg.protocol.netflow.InformationElement.FLOW_END_SYS_UP_TIME;
import static dev.flowagg.protocol.netflow.InformationElement.INTERFACE_NAME;
import static dev.flowagg.protocol.netflow.InformationElement.OBSERVATION_DOMAIN_ID;
import static dev.flowagg.protocol.netflow.InformationElement.OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.PACKET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.POST_OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.PROTOCOL_IDENTIFIER;
import static dev.flowagg.protocol.netflow.InformationElement.REVERSE_OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.REVERSE_PACKET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.SOURCE_IPV4_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.SOURCE_IPV6_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.SYSTEM_INIT_TIME_MILLISECONDS;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORTER;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORT_MILLIS;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORT_SECONDS;
import static dev.flowagg.protocol.netflow.TestDatagrams.FLOW_TEMPLATE;
import static dev.flowagg.protocol.netflow.TestDatagrams.decode;
import static dev.flowagg.protocol.netflow.TestDatagrams.flow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.encode.FieldSpec;
import dev.flowagg.protocol.netflow.encode.IpfixMessageBuilder;
import dev.flowagg.protocol.netflow.encode.RecordSpec;
import dev.flowagg.protocol.netflow.encode.TemplateSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IpfixDecoderTest {

  private static final long END = EXPORT_MILLIS - 2_500;
  /** The exporter booted a day before the export. */
  private static final long BOOT = EXPORT_MILLIS - 86_400_000L;
  /** Private enterprise number of a vendor whose elements the decoder does not know. */
  private static final long VENDOR = 9;

  private final NetflowDecoder decoder = new NetflowDecoder();
  private final CollectingSink sink = new CollectingSink();

  private static IpfixMessageBuilder message() {
    return IpfixMessageBuilder.create().observationDomain(7).exportSeconds(EXPORT_SECONDS);
  }

  private ExporterStats stats() {
    return decoder.stats().of(EXPORTER, 10);
  }

  @Test
  void decodesIpv4FlowsWithTheirTemplateInTheSameMessage() {
    byte[] datagram = message().templates(FLOW_TEMPLATE)
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1500), flow("10.0.0.3", "10.0.0.4", 60))
        .build();

    assertThat(decode(decoder, datagram, sink)).isEqualTo(2);

    DecodedFlow.Snapshot first = sink.flows.getFirst();
    assertThat(first.version()).isEqualTo(10);
    assertThat(first.observationDomain()).isEqualTo(7);
    assertThat(first.srcAddress()).isEqualTo(IpAddress.parse("10.0.0.1"));
    assertThat(first.dstAddress()).isEqualTo(IpAddress.parse("10.0.0.2"));
    assertThat(first.srcPort()).isEqualTo(40000);
    assertThat(first.dstPort()).isEqualTo(443);
    assertThat(first.protocol()).isEqualTo(6);
    assertThat(first.packets()).isEqualTo(10);
    assertThat(sink.bytes()).containsExactly(1500L, 60L);
    assertThat(stats().totalErrors()).isZero();
  }

  @Test
  void decodesIpv6Flows() {
    TemplateSpec v6 = TemplateSpec.of(300, SOURCE_IPV6_ADDRESS, DESTINATION_IPV6_ADDRESS, OCTET_DELTA_COUNT);
    byte[] datagram = message().templates(v6)
        .data(v6, RecordSpec.empty().with(SOURCE_IPV6_ADDRESS, IpAddress.parse("2001:db8::1"))
            .with(DESTINATION_IPV6_ADDRESS, IpAddress.parse("fe80::2")).with(OCTET_DELTA_COUNT, 5))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().srcAddress()).isEqualTo(IpAddress.parse("2001:db8::1"));
    assertThat(sink.only().dstAddress()).isEqualTo(IpAddress.parse("fe80::2"));
  }

  @Test
  void biflowReverseCountersAreRead() {
    TemplateSpec biflow = TemplateSpec.of(256, SOURCE_IPV4_ADDRESS, DESTINATION_IPV4_ADDRESS, OCTET_DELTA_COUNT,
        PACKET_DELTA_COUNT, REVERSE_OCTET_DELTA_COUNT, REVERSE_PACKET_DELTA_COUNT);
    byte[] datagram = message().templates(biflow)
        .data(biflow, RecordSpec.empty().with(OCTET_DELTA_COUNT, 1000).with(PACKET_DELTA_COUNT, 10)
            .with(REVERSE_OCTET_DELTA_COUNT, 64000).with(REVERSE_PACKET_DELTA_COUNT, 50))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().bytes()).isEqualTo(1000);
    assertThat(sink.only().packets()).isEqualTo(10);
    assertThat(sink.only().reverseBytes()).isEqualTo(64000);
    assertThat(sink.only().reversePackets()).isEqualTo(50);
  }

  @Test
  void postOctetCountIsNotTakenForTheFlowsBytes() {
    TemplateSpec post = TemplateSpec.of(256, SOURCE_IPV4_ADDRESS, POST_OCTET_DELTA_COUNT);
    byte[] datagram = message().templates(post).data(post, RecordSpec.empty().with(POST_OCTET_DELTA_COUNT, 700))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().bytes()).isZero();
  }

  @Test
  void variableLengthFieldsWithShortAndLongLengthPrefixesAreSkipped() {
    TemplateSpec withNames = TemplateSpec.of(256, FieldSpec.of(SOURCE_IPV4_ADDRESS),
        FieldSpec.of(APPLICATION_NAME), FieldSpec.of(OCTET_DELTA_COUNT), FieldSpec.of(INTERFACE_NAME),
        FieldSpec.of(PACKET_DELTA_COUNT));
    String longName = "x".repeat(300);
    byte[] datagram = message().templates(withNames)
        .data(withNames,
            RecordSpec.empty().with(SOURCE_IPV4_ADDRESS, IpAddress.parse("10.0.0.1")).with(APPLICATION_NAME, "dns")
                .with(OCTET_DELTA_COUNT, 11).with(INTERFACE_NAME, longName).with(PACKET_DELTA_COUNT, 1),
            RecordSpec.empty().with(SOURCE_IPV4_ADDRESS, IpAddress.parse("10.0.0.2")).with(APPLICATION_NAME, "")
                .with(OCTET_DELTA_COUNT, 22).with(INTERFACE_NAME, "eth0").with(PACKET_DELTA_COUNT, 2),
            RecordSpec.empty().with(SOURCE_IPV4_ADDRESS, IpAddress.parse("10.0.0.3")).with(APPLICATION_NAME, "y".repeat(255))
                .with(OCTET_DELTA_COUNT, 33).with(PACKET_DELTA_COUNT, 3))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.bytes()).containsExactly(11L, 22L, 33L);
    assertThat(sink.flows).extracting(DecodedFlow.Snapshot::packets).containsExactly(1L, 2L, 3L);
    assertThat(sink.flows.get(2).srcAddress()).isEqualTo(IpAddress.parse("10.0.0.3"));
    assertThat(stats().totalErrors()).isZero();
  }

  @Test
  void enterpriseFieldsAreSkippedByTheirLength() {
    FieldSpec vendorCounter = FieldSpec.of(VENDOR, 1, 8);
    FieldSpec vendorText = FieldSpec.of(VENDOR, 77, InformationElement.VARIABLE_LENGTH);
    TemplateSpec vendor = TemplateSpec.of(256, FieldSpec.of(SOURCE_IPV4_ADDRESS), vendorCounter, vendorText,
        FieldSpec.of(OCTET_DELTA_COUNT));
    byte[] datagram = message().templates(vendor)
        .data(vendor, RecordSpec.empty().with(SOURCE_IPV4_ADDRESS, IpAddress.parse("10.0.0.1"))
            .with(vendorCounter, 123456789L).with(vendorText, "vendor says hi").with(OCTET_DELTA_COUNT, 42))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().bytes()).as("vendor element 1 is not octetDeltaCount").isEqualTo(42);
    assertThat(sink.only().srcAddress()).isEqualTo(IpAddress.parse("10.0.0.1"));
  }

  @Test
  void setPaddingIsNotReadAsRecords() {
    byte[] datagram = message().padSetsTo(8).templates(FLOW_TEMPLATE)
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1))
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 2), flow("10.0.0.1", "10.0.0.2", 3))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.bytes()).containsExactly(1L, 2L, 3L);
    assertThat(stats().totalErrors()).isZero();
  }

  static Stream<Arguments> endTimeFields() {
    return Stream.of(
        Arguments.of("flowEndMilliseconds", timed(FLOW_END_MILLISECONDS).with(FLOW_END_MILLISECONDS, END), END),
        Arguments.of("flowEndSeconds", timed(FLOW_END_SECONDS).with(FLOW_END_SECONDS, END / 1000),
            END / 1000 * 1000),
        Arguments.of("flowEndMicroseconds",
            timed(FLOW_END_MICROSECONDS).with(FLOW_END_MICROSECONDS, NtpTimestamp.fromEpochMillis(END)), END),
        Arguments.of("flowEndNanoseconds",
            timed(FLOW_END_NANOSECONDS).with(FLOW_END_NANOSECONDS, NtpTimestamp.fromEpochMillis(END)), END),
        Arguments.of("flowEndDeltaMicroseconds",
            timed(FLOW_END_DELTA_MICROSECONDS).with(FLOW_END_DELTA_MICROSECONDS, 2_500_000), END),
        Arguments.of("flowEndSysUpTime with systemInitTimeMilliseconds",
            timed(FLOW_END_SYS_UP_TIME, SYSTEM_INIT_TIME_MILLISECONDS)
                .with(FLOW_END_SYS_UP_TIME, END - BOOT).with(SYSTEM_INIT_TIME_MILLISECONDS, BOOT), END),
        Arguments.of("flowEndSysUpTime without boot time",
            timed(FLOW_END_SYS_UP_TIME).with(FLOW_END_SYS_UP_TIME, END - BOOT), EXPORT_MILLIS),
        Arguments.of("zero-filled flowEndMilliseconds beside flowEndSeconds",
            timed(FLOW_END_MILLISECONDS, FLOW_END_SECONDS).with(FLOW_END_MILLISECONDS, 0)
                .with(FLOW_END_SECONDS, END / 1000), END / 1000 * 1000),
        Arguments.of("no end field", timed(), EXPORT_MILLIS));
  }

  /** A template of octetDeltaCount and these time fields, with a record of it ready for values. */
  private static TimedRecord timed(InformationElement... timeFields) {
    List<InformationElement> fields = new ArrayList<>(List.of(OCTET_DELTA_COUNT));
    fields.addAll(List.of(timeFields));
    TemplateSpec template = TemplateSpec.of(256, fields.toArray(InformationElement[]::new));
    return new TimedRecord(template, RecordSpec.empty().with(OCTET_DELTA_COUNT, 1));
  }

  private record TimedRecord(TemplateSpec template, RecordSpec record) {
    TimedRecord with(InformationElement element, long value) {
      return new TimedRecord(template, record.with(element, value));
    }

    @Override
    public String toString() {
      return template.fields().toString();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endTimeFields")
  void endTimeComesFromWhicheverFieldIsPresent(String name, TimedRecord timed, long expectedEnd) {
    byte[] datagram = message().templates(timed.template()).data(timed.template(), timed.record()).build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().endMillis()).isEqualTo(expectedEnd);
  }

  @Test
  void sysUpTimeCountsFromTheBootTimeAnOptionsRecordAnnounced() {
    TemplateSpec boot = TemplateSpec.options(400, List.of(FieldSpec.of(OBSERVATION_DOMAIN_ID)),
        List.of(FieldSpec.of(SYSTEM_INIT_TIME_MILLISECONDS)));
    TemplateSpec timed = TemplateSpec.of(256, OCTET_DELTA_COUNT, FLOW_END_SYS_UP_TIME);
    byte[] datagram = message().optionsTemplates(boot).templates(timed)
        .data(boot, RecordSpec.empty().with(OBSERVATION_DOMAIN_ID, 7).with(SYSTEM_INIT_TIME_MILLISECONDS, BOOT))
        .data(timed, RecordSpec.empty().with(FLOW_END_SYS_UP_TIME, END - BOOT))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().endMillis()).isEqualTo(END);
    assertThat(stats().optionsRecords()).isEqualTo(1);
  }

  @Test
  void messageLongerThanItsDatagramDecodesTheWholeSetsAndCountsTheTruncation() {
    byte[] whole = message().templates(FLOW_TEMPLATE).data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1))
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 2)).build();
    byte[] cut = Arrays.copyOf(whole, whole.length - 3);

    decode(decoder, cut, sink);

    assertThat(sink.bytes()).containsExactly(1L);
    assertThat(stats().errors(DecodeError.DATAGRAM_TRUNCATED)).isEqualTo(1);
    assertThat(stats().errors(DecodeError.SET_LENGTH_PAST_END)).isEqualTo(1);
  }

  @Test
  void bytesAfterTheMessageLengthAreIgnoredAndCounted() {
    byte[] message = message().templates(FLOW_TEMPLATE).data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1)).build();
    byte[] withTrailer = Arrays.copyOf(message, message.length + 10);
    Arrays.fill(withTrailer, message.length, withTrailer.length, (byte) 0x55);

    decode(decoder, withTrailer, sink);

    assertThat(sink.bytes()).containsExactly(1L);
    assertThat(stats().errors(DecodeError.MESSAGE_LENGTH_MISMATCH)).isEqualTo(1);
  }

  @Test
  void domainIdsAboveTwoToTheThirtyFirstStayUnsigned() {
    byte[] datagram = IpfixMessageBuilder.create().observationDomain(0xFFFF_FFF0L).exportSeconds(EXPORT_SECONDS)
        .templates(FLOW_TEMPLATE).data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1)).build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().observationDomain()).isEqualTo(0xFFFF_FFF0L);
  }

  @Test
  void addressesAndPortsAreZeroWhenTheTemplateLacksThem() {
    TemplateSpec bare = TemplateSpec.of(256, OCTET_DELTA_COUNT);
    byte[] datagram = message().templates(bare).data(bare, RecordSpec.empty().with(OCTET_DELTA_COUNT, 5)).build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().srcAddress()).isEqualTo(new IpAddress(0, 0));
    assertThat(sink.only().srcPort()).isZero();
    assertThat(sink.only().protocol()).isZero();
  }

  @Test
  void unusedTemplateFieldsDoNotDisturbTheOnesRead() {
    TemplateSpec t = TemplateSpec.of(256, DESTINATION_IPV4_ADDRESS, DESTINATION_TRANSPORT_PORT, PROTOCOL_IDENTIFIER);
    byte[] datagram = message().templates(t)
        .data(t, RecordSpec.empty().with(DESTINATION_IPV4_ADDRESS, IpAddress.parse("203.0.113.9"))
            .with(DESTINATION_TRANSPORT_PORT, 8080).with(PROTOCOL_IDENTIFIER, 17))
        .build();

    decode(decoder, datagram, sink);

    assertThat(sink.only().dstAddress()).isEqualTo(IpAddress.parse("203.0.113.9"));
    assertThat(sink.only().dstPort()).isEqualTo(8080);
    assertThat(sink.only().protocol()).isEqualTo(17);
  }
}
