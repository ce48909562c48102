package dev.flowagg.protocol.netflow;

import static dev.flowagg.protocol.netflow.InformationElement.OBSERVATION_DOMAIN_ID;
import static dev.flowagg.protocol.netflow.InformationElement.OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLING_INTERVAL;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORTER;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORT_MILLIS;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORT_SECONDS;
import static dev.flowagg.protocol.netflow.TestDatagrams.FLOW_TEMPLATE;
import static dev.flowagg.protocol.netflow.TestDatagrams.datagram;
import static dev.flowagg.protocol.netflow.TestDatagrams.decode;
import static dev.flowagg.protocol.netflow.TestDatagrams.flow;
import static dev.flowagg.protocol.netflow.TestDatagrams.versionOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.netflow.TemplateRecords.TemplateRecord;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.FieldSpec;
import dev.flowagg.protocol.netflow.encode.IpfixMessageBuilder;
import dev.flowagg.protocol.netflow.encode.RecordSpec;
import dev.flowagg.protocol.netflow.encode.TemplateSpec;
import dev.flowagg.protocol.netflow.encode.V9ScopeType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Template records found in one decoder's datagrams, rebuilt into template-only datagrams, teach another decoder. */
class TemplateRecordsTest {

  private static TemplateSpec samplingOptions(ExportFormat format) {
    FieldSpec scope = format == ExportFormat.IPFIX ? FieldSpec.of(OBSERVATION_DOMAIN_ID) : FieldSpec.v9Scope(V9ScopeType.SYSTEM, 4);
    return TemplateSpec.options(300, List.of(scope), List.of(FieldSpec.of(SAMPLING_INTERVAL)));
  }

  private static List<TemplateRecord> scan(byte[] datagram) {
    List<TemplateRecord> out = new ArrayList<>();
    TemplateRecords.scan(ByteBuffer.wrap(datagram), out::add);
    return out;
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void templatesFoundInOneDatagramLetAnotherDecoderReadDataOnlyDatagrams(ExportFormat format) {
    byte[] withTemplates = datagram(format, 7).templates(FLOW_TEMPLATE).optionsTemplates(samplingOptions(format))
        .data(FLOW_TEMPLATE, List.of(flow("10.0.0.1", "10.0.0.2", 100))).build();
    byte[] dataOnly = datagram(format, 7).data(FLOW_TEMPLATE, List.of(flow("10.0.0.3", "10.0.0.4", 250))).build();

    List<TemplateRecord> found = scan(withTemplates);
    assertThat(found).extracting(TemplateRecord::templateId, TemplateRecord::options, TemplateRecord::domainId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(256, false, 7L), org.assertj.core.groups.Tuple.tuple(300, true, 7L));
    assertThat(scan(dataOnly)).isEmpty();

    List<byte[]> rebuilt = TemplateRecords.datagrams(versionOf(format), 7, EXPORT_SECONDS, found);
    assertThat(rebuilt).hasSize(1);
    assertThat(scan(rebuilt.getFirst())).isEqualTo(found);

    NetflowDecoder other = new NetflowDecoder();
    CollectingSink sink = new CollectingSink();
    assertThat(decode(other, EXPORTER, rebuilt.getFirst(), EXPORT_MILLIS, sink)).isZero();
    decode(other, EXPORTER, dataOnly, EXPORT_MILLIS + 1, sink);
    assertThat(sink.bytes()).containsExactly(250L);
    ExporterStats stats = other.stats().of(EXPORTER, versionOf(format));
    assertThat(stats.totalErrors()).isZero();
    assertThat(stats.templates()).isEqualTo(2);
  }

  @Test
  void ipfixWithdrawalsAreFoundAndReplayedAsWithdrawals() {
    byte[] withdraw = IpfixMessageBuilder.create().exportSeconds(EXPORT_SECONDS).observationDomain(7)
        .withdrawTemplates(256).build();
    List<TemplateRecord> found = scan(withdraw);
    assertThat(found).containsExactly(TemplateRecord.withdrawal(7, 256, false));
    assertThat(found.getFirst().isWithdrawal()).isTrue();

    NetflowDecoder decoder = new NetflowDecoder();
    CollectingSink sink = new CollectingSink();
    decode(decoder, EXPORTER, datagram(ExportFormat.IPFIX, 7).templates(FLOW_TEMPLATE).build(), EXPORT_MILLIS, sink);
    decode(decoder, EXPORTER, TemplateRecords.datagrams(10, 7, EXPORT_SECONDS, found).getFirst(), EXPORT_MILLIS, sink);
    decode(decoder, EXPORTER, datagram(ExportFormat.IPFIX, 7).data(FLOW_TEMPLATE, List.of(flow("10.0.0.1", "10.0.0.2", 5)))
        .build(), EXPORT_MILLIS, sink);
    assertThat(sink.flows).isEmpty();
    assertThat(decoder.stats().of(EXPORTER, 10).templatesWithdrawn()).isEqualTo(1);
  }

  @Test
  void ipfixEnterpriseFieldsAndTruncatedSetsAreWalkedSafely() {
    TemplateSpec enterprise = TemplateSpec.of(
        400, List.of(FieldSpec.of(OCTET_DELTA_COUNT), FieldSpec.of(29305L, 5, 4)));
    byte[] message = datagram(ExportFormat.IPFIX, 1).templates(enterprise).build();
    List<TemplateRecord> found = scan(message);
    assertThat(found).hasSize(1);
    assertThat(found.getFirst().bytes()).hasSize(4 + 4 + 8);

    // Cut inside the template record: nothing is reported, nothing is thrown.
    assertThat(scan(java.util.Arrays.copyOf(message, message.length - 3))).isEmpty();
    assertThat(scan(new byte[] {0, 9, 0})).isEmpty();
    assertThat(TemplateRecords.isTemplated(ByteBuffer.wrap(new byte[] {0, 5}))).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NETFLOW_V9", "IPFIX"})
  void optionsDataReplayedWithItsTemplateSetsTheSamplingRate(ExportFormat format) {
    TemplateSpec sampling = samplingOptions(format);
    byte[] options = datagram(format, 7).optionsTemplates(sampling)
        .data(sampling, List.of(RecordSpec.empty().with(SAMPLING_INTERVAL, 64))).build();
    List<TemplateRecord> templates = scan(options);
    java.util.Map<Integer, byte[]> optionsData = new java.util.HashMap<>();
    TemplateRecords.scanDataSets(ByteBuffer.wrap(options), (version, domain, setId) -> setId == 300,
        (version, domain, setId, body) -> optionsData.put(setId, body));
    assertThat(optionsData).containsOnlyKeys(300);

    NetflowDecoder other = new NetflowDecoder();
    CollectingSink sink = new CollectingSink();
    for (byte[] d : TemplateRecords.datagrams(versionOf(format), 7, EXPORT_SECONDS, templates, optionsData)) {
      decode(other, EXPORTER, d, EXPORT_MILLIS, sink);
    }
    decode(other, EXPORTER, datagram(format, 7).templates(FLOW_TEMPLATE)
        .data(FLOW_TEMPLATE, List.of(flow("10.0.0.1", "10.0.0.2", 10))).build(), EXPORT_MILLIS, sink);
    assertThat(sink.only().bytes()).isEqualTo(640);
    assertThat(other.stats().of(EXPORTER, versionOf(format)).totalErrors()).isZero();
  }
}
