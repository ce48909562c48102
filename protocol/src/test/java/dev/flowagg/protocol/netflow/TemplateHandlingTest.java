package dev.flowagg.protocol.netflow;

import static dev.flowagg.protocol.netflow.InformationElement.OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.OBSERVATION_DOMAIN_ID;
import static dev.flowagg.protocol.netflow.InformationElement.PACKET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLING_INTERVAL;
import static dev.flowagg.protocol.netflow.InformationElement.SOURCE_IPV4_ADDRESS;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORTER;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORT_MILLIS;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORT_SECONDS;
import static dev.flowagg.protocol.netflow.TestDatagrams.FLOW_TEMPLATE;
import static dev.flowagg.protocol.netflow.TestDatagrams.OTHER_EXPORTER;
import static dev.flowagg.protocol.netflow.TestDatagrams.datagram;
import static dev.flowagg.protocol.netflow.TestDatagrams.decode;
import static dev.flowagg.protocol.netflow.TestDatagrams.flow;
import static dev.flowagg.protocol.netflow.TestDatagrams.versionOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.FieldSpec;
import dev.flowagg.protocol.netflow.encode.IpfixMessageBuilder;
import dev.flowagg.protocol.netflow.encode.NetflowV9DatagramBuilder;
import dev.flowagg.protocol.netflow.encode.RecordSpec;
import dev.flowagg.protocol.netflow.encode.TemplateSpec;
import dev.flowagg.protocol.netflow.encode.V9ScopeType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Template life on both template-based versions: definition, refresh, redefinition, withdrawal, expiry, waiting data. */
class TemplateHandlingTest {

  private static final long MINUTE = 60_000;
  /** The same template id as {@link TestDatagrams#FLOW_TEMPLATE}, laid out differently. */
  private static final TemplateSpec REDEFINED = TemplateSpec.of(256, OCTET_DELTA_COUNT, SOURCE_IPV4_ADDRESS);

  private NetflowDecoder decoder = new NetflowDecoder();
  private final CollectingSink sink = new CollectingSink();

  private static byte[] templateOnly(ExportFormat format, long domain, TemplateSpec template) {
    return datagram(format, domain).templates(template).build();
  }

  private static byte[] dataOnly(ExportFormat format, long domain, long bytes) {
    return datagram(format, domain).data(FLOW_TEMPLATE, List.of(flow("10.0.0.1", "10.0.0.2", bytes))).build();
  }

  private void receive(byte[] datagram, long atMillis) {
    decode(decoder, EXPORTER, datagram, atMillis, sink);
  }

  private ExporterStats stats(ExportFormat format) {
    return decoder.stats().of(EXPORTER, versionOf(format));
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void dataBeforeTemplateIsDecodedWhenTemplateArrives(ExportFormat format) {
    receive(dataOnly(format, 1, 100), EXPORT_MILLIS);
    receive(dataOnly(format, 1, 200), EXPORT_MILLIS + 10);
    assertThat(sink.flows).isEmpty();
    assertThat(stats(format).setsWaiting()).isEqualTo(2);

    CollectingSink templateCallSink = new CollectingSink();
    long delivered = decode(decoder, EXPORTER, templateOnly(format, 1, FLOW_TEMPLATE), EXPORT_MILLIS + 20,
        templateCallSink);

    assertThat(delivered).isEqualTo(2);
    assertThat(templateCallSink.bytes()).containsExactly(100L, 200L);
    assertThat(templateCallSink.flows.getFirst().srcAddress()).isEqualTo(IpAddress.parse("10.0.0.1"));
    ExporterStats s = stats(format);
    assertThat(s.setsQueued()).isEqualTo(2);
    assertThat(s.setsDecodedLate()).isEqualTo(2);
    assertThat(s.setsWaiting()).isZero();
    assertThat(s.flows()).isEqualTo(2);
    assertThat(s.totalErrors()).isZero();
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void lateDataKeepsTheExportTimeOfItsOwnDatagram(ExportFormat format) {
    byte[] early = (format == ExportFormat.IPFIX
        ? IpfixMessageBuilder.create().exportSeconds(EXPORT_SECONDS - 30)
        : NetflowV9DatagramBuilder.create().unixSeconds(EXPORT_SECONDS - 30))
        .data(FLOW_TEMPLATE, List.of(flow("10.0.0.1", "10.0.0.2", 1))).build();
    receive(early, EXPORT_MILLIS - 29_000);

    receive(templateOnly(format, 0, FLOW_TEMPLATE), EXPORT_MILLIS);

    assertThat(sink.only().endMillis()).isEqualTo(EXPORT_MILLIS - 30_000);
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void waitingDataOfOtherTemplatesKeepsWaiting(ExportFormat format) {
    receive(dataOnly(format, 1, 100), EXPORT_MILLIS);

    receive(templateOnly(format, 2, FLOW_TEMPLATE), EXPORT_MILLIS);
    receive(templateOnly(format, 1, TemplateSpec.of(999, OCTET_DELTA_COUNT)), EXPORT_MILLIS);

    assertThat(sink.flows).isEmpty();
    assertThat(stats(format).setsWaiting()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void templateRefreshKeepsItAlivePastItsFirstLifetime(ExportFormat format) {
    decoder = new NetflowDecoder(DecoderSettings.defaults().withTemplateLifetime(Duration.ofMinutes(30)));
    receive(templateOnly(format, 1, FLOW_TEMPLATE), EXPORT_MILLIS);
    receive(templateOnly(format, 1, FLOW_TEMPLATE), EXPORT_MILLIS + 20 * MINUTE);

    receive(dataOnly(format, 1, 5), EXPORT_MILLIS + 45 * MINUTE);

    assertThat(sink.bytes()).containsExactly(5L);
    assertThat(stats(format).templates()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void expiredTemplateIsNotUsedAndItsDataWaits(ExportFormat format) {
    decoder = new NetflowDecoder(DecoderSettings.defaults().withTemplateLifetime(Duration.ofMinutes(30)));
    receive(templateOnly(format, 1, FLOW_TEMPLATE), EXPORT_MILLIS);

    receive(dataOnly(format, 1, 5), EXPORT_MILLIS + 31 * MINUTE);

    assertThat(sink.flows).isEmpty();
    assertThat(stats(format).templatesExpired()).isEqualTo(1);
    assertThat(stats(format).setsWaiting()).isEqualTo(1);

    receive(templateOnly(format, 1, FLOW_TEMPLATE), EXPORT_MILLIS + 31 * MINUTE + 1);
    assertThat(sink.bytes()).containsExactly(5L);
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void redefinedTemplateReplacesTheOldOne(ExportFormat format) {
    receive(templateOnly(format, 1, FLOW_TEMPLATE), EXPORT_MILLIS);

    byte[] redefinition = datagram(format, 1).templates(REDEFINED)
        .data(REDEFINED, List.of(RecordSpec.empty().with(OCTET_DELTA_COUNT, 77)
            .with(SOURCE_IPV4_ADDRESS, IpAddress.parse("10.7.7.7"))))
        .build();
    receive(redefinition, EXPORT_MILLIS + 1);

    assertThat(sink.only().bytes()).isEqualTo(77);
    assertThat(sink.only().srcAddress()).isEqualTo(IpAddress.parse("10.7.7.7"));
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void twoObservationDomainsOfOneExporterKeepTheirOwnTemplateWithTheSameId(ExportFormat format) {
    receive(templateOnly(format, 1, FLOW_TEMPLATE), EXPORT_MILLIS);
    receive(templateOnly(format, 2, REDEFINED), EXPORT_MILLIS);

    receive(dataOnly(format, 1, 100), EXPORT_MILLIS);
    receive(datagram(format, 2).data(REDEFINED, List.of(RecordSpec.empty().with(OCTET_DELTA_COUNT, 200))).build(),
        EXPORT_MILLIS);

    assertThat(sink.bytes()).containsExactly(100L, 200L);
    assertThat(sink.flows).extracting(DecodedFlow.Snapshot::observationDomain).containsExactly(1L, 2L);
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void twoExportersKeepTheirOwnTemplates(ExportFormat format) {
    receive(templateOnly(format, 1, FLOW_TEMPLATE), EXPORT_MILLIS);

    decode(decoder, OTHER_EXPORTER, dataOnly(format, 1, 100), EXPORT_MILLIS, sink);

    assertThat(sink.flows).isEmpty();
    assertThat(decoder.stats().of(OTHER_EXPORTER, versionOf(format)).setsWaiting()).isEqualTo(1);
  }

  @Test
  void v9AndIpfixTemplatesWithTheSameIdDoNotMeet() {
    receive(templateOnly(ExportFormat.NETFLOW_V9, 1, FLOW_TEMPLATE), EXPORT_MILLIS);

    receive(dataOnly(ExportFormat.IPFIX, 1, 100), EXPORT_MILLIS);

    assertThat(sink.flows).isEmpty();
    assertThat(stats(ExportFormat.IPFIX).setsWaiting()).isEqualTo(1);
  }

  @Test
  void withdrawnTemplateNoLongerDecodes() {
    receive(templateOnly(ExportFormat.IPFIX, 1, FLOW_TEMPLATE), EXPORT_MILLIS);

    receive(IpfixMessageBuilder.create().observationDomain(1).withdrawTemplates(256).build(), EXPORT_MILLIS + 1);
    receive(dataOnly(ExportFormat.IPFIX, 1, 100), EXPORT_MILLIS + 2);

    assertThat(sink.flows).isEmpty();
    assertThat(stats(ExportFormat.IPFIX).templatesWithdrawn()).isEqualTo(1);
    assertThat(stats(ExportFormat.IPFIX).setsWaiting()).isEqualTo(1);
  }

  @Test
  void withdrawingAllTemplatesKeepsOptionsTemplatesAndOtherDomains() {
    TemplateSpec second = TemplateSpec.of(300, OCTET_DELTA_COUNT);
    TemplateSpec sampling = samplingOptions();
    receive(IpfixMessageBuilder.create().observationDomain(1).templates(FLOW_TEMPLATE, second)
        .optionsTemplates(sampling).build(), EXPORT_MILLIS);
    receive(templateOnly(ExportFormat.IPFIX, 2, FLOW_TEMPLATE), EXPORT_MILLIS);

    receive(IpfixMessageBuilder.create().observationDomain(1).withdrawAllTemplates().build(), EXPORT_MILLIS);

    assertThat(stats(ExportFormat.IPFIX).templatesWithdrawn()).isEqualTo(2);
    receive(IpfixMessageBuilder.create().observationDomain(1)
        .data(sampling, RecordSpec.empty().with(SAMPLING_INTERVAL, 10))
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1)).build(), EXPORT_MILLIS);
    receive(dataOnly(ExportFormat.IPFIX, 2, 2), EXPORT_MILLIS);
    assertThat(stats(ExportFormat.IPFIX).optionsRecords()).as("options template survived").isEqualTo(1);
    assertThat(sink.bytes()).as("domain 1 data waits, domain 2 decodes").containsExactly(2L);
  }

  @Test
  void withdrawingAllOptionsTemplatesKeepsTemplates() {
    TemplateSpec sampling = samplingOptions();
    receive(IpfixMessageBuilder.create().observationDomain(1).templates(FLOW_TEMPLATE).optionsTemplates(sampling)
        .build(), EXPORT_MILLIS);

    receive(IpfixMessageBuilder.create().observationDomain(1).withdrawAllOptionsTemplates().build(), EXPORT_MILLIS);
    receive(dataOnly(ExportFormat.IPFIX, 1, 7), EXPORT_MILLIS);

    assertThat(stats(ExportFormat.IPFIX).templatesWithdrawn()).isEqualTo(1);
    assertThat(sink.bytes()).containsExactly(7L);
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void optionsTemplateWithSamplingScalesLaterFlows(ExportFormat format) {
    TemplateSpec sampling = format == ExportFormat.IPFIX ? samplingOptions()
        : TemplateSpec.options(400, List.of(FieldSpec.v9Scope(V9ScopeType.SYSTEM, 4)),
            List.of(FieldSpec.of(SAMPLING_INTERVAL)));
    receive(datagram(format, 1).optionsTemplates(sampling)
        .data(sampling, List.of(RecordSpec.empty().with(SAMPLING_INTERVAL, 64))).build(), EXPORT_MILLIS);

    receive(datagram(format, 1).templates(FLOW_TEMPLATE)
        .data(FLOW_TEMPLATE, List.of(flow("10.0.0.1", "10.0.0.2", 10))).build(), EXPORT_MILLIS);

    assertThat(sink.only().bytes()).isEqualTo(640);
    assertThat(sink.only().packets()).isEqualTo(640);
    assertThat(sink.only().samplingRate()).isEqualTo(64.0);
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void waitingRoomDropsAndCountsSetsBeyondItsCountBound(ExportFormat format) {
    decoder = new NetflowDecoder(DecoderSettings.defaults().withPendingLimits(3, 1 << 20, Duration.ofSeconds(60)));
    for (int i = 1; i <= 5; i++) {
      receive(dataOnly(format, 1, i), EXPORT_MILLIS);
    }

    assertThat(stats(format).setsWaiting()).isEqualTo(3);
    assertThat(stats(format).errors(DecodeError.PENDING_QUEUE_FULL)).isEqualTo(2);
    receive(templateOnly(format, 1, FLOW_TEMPLATE), EXPORT_MILLIS);
    assertThat(sink.bytes()).containsExactly(1L, 2L, 3L);
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void waitingRoomDropsAndCountsSetsBeyondItsByteBound(ExportFormat format) {
    int oneSet = FLOW_TEMPLATE.recordLength() + 3;
    decoder = new NetflowDecoder(DecoderSettings.defaults().withPendingLimits(1024, 2 * oneSet, Duration.ofSeconds(60)));
    for (int i = 1; i <= 3; i++) {
      receive(dataOnly(format, 1, i), EXPORT_MILLIS);
    }

    assertThat(stats(format).setsWaiting()).isEqualTo(2);
    assertThat(stats(format).errors(DecodeError.PENDING_QUEUE_FULL)).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void dataThatWaitedTooLongIsDroppedAndCounted(ExportFormat format) {
    receive(dataOnly(format, 1, 1), EXPORT_MILLIS);
    receive(dataOnly(format, 1, 2), EXPORT_MILLIS + 30_000);

    receive(templateOnly(format, 1, FLOW_TEMPLATE), EXPORT_MILLIS + 61_000);

    assertThat(sink.bytes()).containsExactly(2L);
    assertThat(stats(format).errors(DecodeError.PENDING_EXPIRED)).isEqualTo(1);
    assertThat(stats(format).setsWaiting()).isZero();
  }

  @Test
  void expireDropsTheWaitingDataAndTemplatesOfSilentExporters() {
    decoder = new NetflowDecoder(DecoderSettings.defaults().withTemplateLifetime(Duration.ofMinutes(30)));
    receive(templateOnly(ExportFormat.IPFIX, 1, FLOW_TEMPLATE), EXPORT_MILLIS);
    receive(dataOnly(ExportFormat.IPFIX, 2, 1), EXPORT_MILLIS);

    decoder.expire(EXPORT_MILLIS + 2 * MINUTE);
    assertThat(stats(ExportFormat.IPFIX).errors(DecodeError.PENDING_EXPIRED)).isEqualTo(1);
    assertThat(decoder.exporterCount()).isEqualTo(1);

    decoder.expire(EXPORT_MILLIS + 31 * MINUTE);
    assertThat(stats(ExportFormat.IPFIX).templatesExpired()).isEqualTo(1);
    assertThat(decoder.exporterCount()).isZero();
  }

  @Test
  void exporterAtItsTemplateLimitIgnoresNewTemplatesButRefreshesKnownOnes() {
    decoder = new NetflowDecoder(DecoderSettings.defaults().withTemplateLimits(2, 512));
    receive(datagram(ExportFormat.IPFIX, 1).templates(FLOW_TEMPLATE, TemplateSpec.of(300, OCTET_DELTA_COUNT),
        TemplateSpec.of(301, PACKET_DELTA_COUNT)).build(), EXPORT_MILLIS);
    receive(templateOnly(ExportFormat.IPFIX, 1, REDEFINED), EXPORT_MILLIS);

    assertThat(stats(ExportFormat.IPFIX).errors(DecodeError.TEMPLATE_LIMIT_REACHED)).isEqualTo(1);
    assertThat(stats(ExportFormat.IPFIX).templates()).isEqualTo(3);
  }

  private static TemplateSpec samplingOptions() {
    return TemplateSpec.options(400, List.of(FieldSpec.of(OBSERVATION_DOMAIN_ID)),
        List.of(FieldSpec.of(SAMPLING_INTERVAL)));
  }
}
