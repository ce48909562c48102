package dev.flowagg.protocol.netflow;

import static dev.flowagg.protocol.netflow.InformationElement.OBSERVATION_DOMAIN_ID;
import static dev.flowagg.protocol.netflow.InformationElement.OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.PACKET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.REVERSE_OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.REVERSE_PACKET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLER_ID;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLER_RANDOM_INTERVAL;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLING_INTERVAL;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLING_PACKET_INTERVAL;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLING_PACKET_SPACE;
import static dev.flowagg.protocol.netflow.InformationElement.SELECTOR_ID;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORT_MILLIS;
import static dev.flowagg.protocol.netflow.TestDatagrams.decode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSession;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.FieldSpec;
import dev.flowagg.protocol.netflow.encode.FlowSpec;
import dev.flowagg.protocol.netflow.encode.IpfixMessageBuilder;
import dev.flowagg.protocol.netflow.encode.NetflowV9DatagramBuilder;
import dev.flowagg.protocol.netflow.encode.RecordSpec;
import dev.flowagg.protocol.netflow.encode.TemplateSpec;
import dev.flowagg.protocol.netflow.encode.V9ScopeType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sampling rates from v9 and IPFIX options records and from data records themselves, applied or ignored. */
class SamplingTest {

  /** v9 Cisco style: scope System, FLOW_SAMPLER_ID and FLOW_SAMPLER_RANDOM_INTERVAL. */
  private static final TemplateSpec V9_SAMPLER_OPTIONS = TemplateSpec.options(400,
      List.of(FieldSpec.v9Scope(V9ScopeType.SYSTEM, 4)),
      List.of(FieldSpec.of(SAMPLER_ID), FieldSpec.of(SAMPLER_RANDOM_INTERVAL)));
  private static final TemplateSpec V9_DEFAULT_OPTIONS = TemplateSpec.options(401,
      List.of(FieldSpec.v9Scope(V9ScopeType.SYSTEM, 4)), List.of(FieldSpec.of(SAMPLING_INTERVAL)));
  private static final TemplateSpec COUNTS = TemplateSpec.of(256, OCTET_DELTA_COUNT, PACKET_DELTA_COUNT);
  private static final TemplateSpec COUNTS_WITH_SAMPLER = TemplateSpec.of(257, FieldSpec.of(OCTET_DELTA_COUNT),
      FieldSpec.of(PACKET_DELTA_COUNT), FieldSpec.of(SAMPLER_ID));
  /** RFC 5476 PSAMP style: scope selectorId, packet interval and packet space. */
  private static final TemplateSpec IPFIX_SELECTOR_OPTIONS = TemplateSpec.options(402,
      List.of(FieldSpec.of(SELECTOR_ID)),
      List.of(FieldSpec.of(SAMPLING_PACKET_INTERVAL), FieldSpec.of(SAMPLING_PACKET_SPACE)));
  private static final TemplateSpec IPFIX_DOMAIN_OPTIONS = TemplateSpec.options(403,
      List.of(FieldSpec.of(OBSERVATION_DOMAIN_ID)), List.of(FieldSpec.of(SAMPLER_RANDOM_INTERVAL)));

  private NetflowDecoder decoder = new NetflowDecoder();
  private final CollectingSink sink = new CollectingSink();

  private static NetflowV9DatagramBuilder v9() {
    return NetflowV9DatagramBuilder.create().sourceId(1);
  }

  private static IpfixMessageBuilder ipfix() {
    return IpfixMessageBuilder.create().observationDomain(1);
  }

  private static RecordSpec counts(long bytes, long packets) {
    return RecordSpec.empty().with(OCTET_DELTA_COUNT, bytes).with(PACKET_DELTA_COUNT, packets);
  }

  private void receive(byte[] datagram) {
    decode(decoder, datagram, sink);
  }

  @Test
  void v9DataRecordTakesTheRateOfItsSamplerId() {
    receive(v9().optionsTemplates(V9_SAMPLER_OPTIONS)
        .data(V9_SAMPLER_OPTIONS, RecordSpec.empty().with(SAMPLER_ID, 1).with(SAMPLER_RANDOM_INTERVAL, 100),
            RecordSpec.empty().with(SAMPLER_ID, 2).with(SAMPLER_RANDOM_INTERVAL, 1000))
        .build());

    receive(v9().templates(COUNTS_WITH_SAMPLER)
        .data(COUNTS_WITH_SAMPLER, counts(10, 1).with(SAMPLER_ID, 2), counts(10, 1).with(SAMPLER_ID, 1))
        .build());

    assertThat(sink.bytes()).containsExactly(10_000L, 1_000L);
    assertThat(sink.flows).extracting(DecodedFlow.Snapshot::samplingRate).containsExactly(1000.0, 100.0);
  }

  @Test
  void v9OptionsRecordWithoutSamplerIdSetsTheDefaultRateOfItsSourceId() {
    receive(v9().optionsTemplates(V9_DEFAULT_OPTIONS)
        .data(V9_DEFAULT_OPTIONS, RecordSpec.empty().with(SAMPLING_INTERVAL, 50)).build());

    receive(v9().templates(COUNTS, COUNTS_WITH_SAMPLER)
        .data(COUNTS, counts(2, 1))
        .data(COUNTS_WITH_SAMPLER, counts(3, 1).with(SAMPLER_ID, 9))
        .build());

    assertThat(sink.bytes()).as("an unknown sampler id falls back to the default").containsExactly(100L, 150L);
  }

  @Test
  void samplingOfOneSourceIdDoesNotApplyToAnother() {
    receive(v9().optionsTemplates(V9_DEFAULT_OPTIONS)
        .data(V9_DEFAULT_OPTIONS, RecordSpec.empty().with(SAMPLING_INTERVAL, 50)).build());

    receive(NetflowV9DatagramBuilder.create().sourceId(2).templates(COUNTS).data(COUNTS, counts(2, 1)).build());

    assertThat(sink.only().bytes()).isEqualTo(2);
    assertThat(sink.only().samplingRate()).isEqualTo(1.0);
  }

  @Test
  void rateInTheDataRecordItselfWinsOverOptions() {
    TemplateSpec inline = TemplateSpec.of(258, OCTET_DELTA_COUNT, SAMPLING_INTERVAL);
    receive(v9().optionsTemplates(V9_DEFAULT_OPTIONS)
        .data(V9_DEFAULT_OPTIONS, RecordSpec.empty().with(SAMPLING_INTERVAL, 50)).build());

    receive(v9().templates(inline)
        .data(inline, RecordSpec.empty().with(OCTET_DELTA_COUNT, 1).with(SAMPLING_INTERVAL, 7)).build());

    assertThat(sink.only().bytes()).isEqualTo(7);
  }

  @Test
  void ipfixPacketIntervalAndSpaceGiveTheRateOfTheirSelector() {
    // 2 packets selected, 3 skipped: 1 in 2.5.
    receive(ipfix().optionsTemplates(IPFIX_SELECTOR_OPTIONS)
        .data(IPFIX_SELECTOR_OPTIONS, RecordSpec.empty().with(SELECTOR_ID, 5).with(SAMPLING_PACKET_INTERVAL, 2)
            .with(SAMPLING_PACKET_SPACE, 3))
        .build());
    TemplateSpec withSelector = TemplateSpec.of(256, OCTET_DELTA_COUNT, PACKET_DELTA_COUNT, SELECTOR_ID);

    receive(ipfix().templates(withSelector).data(withSelector, counts(100, 4).with(SELECTOR_ID, 5)).build());

    assertThat(sink.only().bytes()).isEqualTo(250);
    assertThat(sink.only().packets()).isEqualTo(10);
    assertThat(sink.only().samplingRate()).isEqualTo(2.5);
  }

  @Test
  void ipfixSamplerRandomIntervalWithoutSelectorSetsTheDomainDefault() {
    receive(ipfix().optionsTemplates(IPFIX_DOMAIN_OPTIONS)
        .data(IPFIX_DOMAIN_OPTIONS, RecordSpec.empty().with(OBSERVATION_DOMAIN_ID, 1)
            .with(SAMPLER_RANDOM_INTERVAL, 512))
        .build());

    receive(ipfix().templates(COUNTS).data(COUNTS, counts(1, 1)).build());

    assertThat(sink.only().bytes()).isEqualTo(512);
  }

  @Test
  void biflowReverseCountsAreScaledToo() {
    TemplateSpec biflow = TemplateSpec.of(256, OCTET_DELTA_COUNT, REVERSE_OCTET_DELTA_COUNT,
        REVERSE_PACKET_DELTA_COUNT, SAMPLING_INTERVAL);

    receive(ipfix().templates(biflow).data(biflow, RecordSpec.empty().with(OCTET_DELTA_COUNT, 1)
        .with(REVERSE_OCTET_DELTA_COUNT, 2).with(REVERSE_PACKET_DELTA_COUNT, 3).with(SAMPLING_INTERVAL, 10)).build());

    assertThat(sink.only().reverseBytes()).isEqualTo(20);
    assertThat(sink.only().reversePackets()).isEqualTo(30);
  }

  @Test
  void rateZeroMeansUnsampled() {
    receive(v9().optionsTemplates(V9_DEFAULT_OPTIONS)
        .data(V9_DEFAULT_OPTIONS, RecordSpec.empty().with(SAMPLING_INTERVAL, 0)).build());

    receive(v9().templates(COUNTS).data(COUNTS, counts(5, 1)).build());

    assertThat(sink.only().bytes()).isEqualTo(5);
    assertThat(sink.only().samplingRate()).isEqualTo(1.0);
    assertThat(sink.only().samplingApplied()).isFalse();
  }

  @Test
  void ignoreModeKeepsTheExportedCountsAndReportsTheRate() {
    decoder = new NetflowDecoder(DecoderSettings.defaults().withSamplingMode(SamplingMode.IGNORE));
    receive(v9().optionsTemplates(V9_DEFAULT_OPTIONS)
        .data(V9_DEFAULT_OPTIONS, RecordSpec.empty().with(SAMPLING_INTERVAL, 50)).build());

    receive(v9().templates(COUNTS).data(COUNTS, counts(5, 1)).build());

    assertThat(sink.only().bytes()).isEqualTo(5);
    assertThat(sink.only().samplingRate()).isEqualTo(50.0);
    assertThat(sink.only().samplingApplied()).isFalse();
  }

  @Test
  void dataThatWaitedForItsTemplateIsScaledByTheRateKnownWhenDecoded() {
    receive(v9().data(COUNTS, counts(5, 1)).build());
    receive(v9().optionsTemplates(V9_DEFAULT_OPTIONS)
        .data(V9_DEFAULT_OPTIONS, RecordSpec.empty().with(SAMPLING_INTERVAL, 4)).build());

    receive(v9().templates(COUNTS).build());

    assertThat(sink.only().bytes()).isEqualTo(20);
  }

  @Test
  void exportSessionSamplingRoundTripsThroughEachFormat() {
    for (ExportFormat format : ExportFormat.values()) {
      NetflowDecoder fresh = new NetflowDecoder();
      CollectingSink out = new CollectingSink();
      ExportSession session =
          new ExportSession(ExportSettings.of(format, EXPORT_MILLIS - 1_000_000).withSamplingRate(8));
      List<FlowSpec> flows = List.of(FlowSpec.of("10.0.0.1", "10.0.0.2", 1, 2, 6, 100, 1, EXPORT_MILLIS));
      for (byte[] d : session.encode(flows, EXPORT_MILLIS)) {
        decode(fresh, d, out);
      }
      assertThat(out.only().bytes()).as(format.name()).isEqualTo(800);
    }
  }
}
