package dev.flowagg.protocol.netflow;

import static dev.flowagg.protocol.netflow.InformationElement.APPLICATION_NAME;
import static dev.flowagg.protocol.netflow.InformationElement.FLOW_END_NANOSECONDS;
import static dev.flowagg.protocol.netflow.InformationElement.OBSERVATION_DOMAIN_ID;
import static dev.flowagg.protocol.netflow.InformationElement.OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLER_ID;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLING_INTERVAL;
import static dev.flowagg.protocol.netflow.InformationElement.SOURCE_IPV6_ADDRESS;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORT_MILLIS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSession;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.FieldSpec;
import dev.flowagg.protocol.netflow.encode.FlowSpec;
import dev.flowagg.protocol.netflow.encode.IpfixMessageBuilder;
import dev.flowagg.protocol.netflow.encode.NetflowV9DatagramBuilder;
import dev.flowagg.protocol.netflow.encode.RecordSpec;
import dev.flowagg.protocol.netflow.encode.TemplateSpec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Feeds the decoder valid datagrams of every version mutated (bit flips, truncation, corrupted length and count
 * fields) and random bytes: nothing escapes, the counters add up, and valid datagrams still decode right afterwards.
 */
class DecoderFuzzTest {

  // Longer or different runs: mvn -pl protocol test -Dtest=DecoderFuzzTest -Dflowagg.fuzz.iterations=10000000 -Dflowagg.fuzz.seed=42
  private static final int ITERATIONS = Integer.getInteger("flowagg.fuzz.iterations", 150_000);
  private static final long SEED = Long.getLong("flowagg.fuzz.seed", 0x5EED_F10EL);
  private static final IpAddress[] EXPORTERS = {
    IpAddress.parse("198.51.100.1"), IpAddress.parse("198.51.100.2"), IpAddress.parse("2001:db8::99")};

  @Test
  void mutatedAndRandomDatagramsAreCountedAndNeverThrow() {
    SplittableRandom random = new SplittableRandom(SEED);
    // Small bounds so that the waiting room fills, overflows and expires during the run.
    NetflowDecoder decoder = new NetflowDecoder(DecoderSettings.defaults()
        .withTemplateLifetime(Duration.ofSeconds(30))
        .withPendingLimits(64, 64 << 10, Duration.ofSeconds(2)));
    List<byte[]> corpus = validCorpus();
    long[] sinkCalls = {0};
    FlowSink counting = flow -> {
      sinkCalls[0]++;
      // Touch every accessor so that a half-filled view would show.
      assertThat(flow.version()).isIn(5, 9, 10);
      flow.srcAddress();
      flow.dstAddress();
    };

    long delivered = 0;
    long now = EXPORT_MILLIS;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] datagram = random.nextInt(10) == 0 ? randomDatagram(random)
          : mutate(corpus.get(random.nextInt(corpus.size())), random);
      IpAddress exporter = EXPORTERS[random.nextInt(EXPORTERS.length)];
      now += random.nextInt(3);
      delivered += decoder.decode(exporter, datagram, 0, datagram.length, now, counting);
      if (i % 20_000 == 0) {
        decoder.expire(now);
      }
    }

    List<ExporterStats> stats = decoder.stats().snapshot();
    assertThat(stats.stream().mapToLong(ExporterStats::datagrams).sum()).isEqualTo(ITERATIONS);
    assertThat(stats.stream().mapToLong(ExporterStats::flows).sum()).isEqualTo(sinkCalls[0]).isEqualTo(delivered);
    assertThat(stats.stream().mapToLong(s -> s.errors(DecodeError.DECODER_FAULT)).sum()).isZero();
    for (ExporterStats s : stats) {
      assertThat(s.setsQueued())
          .as("queued sets of %s v%d are decoded, expired or still waiting", s.exporter(), s.version())
          .isEqualTo(s.setsDecodedLate() + s.errors(DecodeError.PENDING_EXPIRED) + s.setsWaiting());
    }
    assertThat(stats.stream().mapToLong(ExporterStats::totalErrors).sum()).as("the mutations were noticed")
        .isGreaterThan(ITERATIONS / 4);
    assertThat(sinkCalls[0]).as("many mutations still carry decodable flows").isGreaterThan(ITERATIONS);

    for (ExportFormat format : ExportFormat.values()) {
      assertValidDatagramsDecodeRight(decoder, format, now + 1);
    }
  }

  private static void assertValidDatagramsDecodeRight(NetflowDecoder decoder, ExportFormat format, long now) {
    long boot = EXPORT_MILLIS - 3_600_000;
    // A domain the corpus never uses: the corpus taught domain 0 a sampling rate, rightly kept.
    ExportSession session = new ExportSession(ExportSettings.of(format, boot).withObservationDomain(0xABCD));
    List<FlowSpec> flows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String dst = format == ExportFormat.NETFLOW_V5 || i % 3 != 0 ? "10.1.0." + i : "2001:db8::" + i;
      FlowSpec flow = FlowSpec.of("10.0.0." + i, dst, 1000 + i, 443, 6, 100L * i, i, EXPORT_MILLIS - i);
      flows.add(format == ExportFormat.IPFIX && i % 2 == 0 ? flow.withReverse(7L * i, i) : flow);
    }
    CollectingSink sink = new CollectingSink();

    for (byte[] d : session.encode(flows, EXPORT_MILLIS)) {
      decoder.decode(EXPORTERS[0], d, 0, d.length, now, sink);
    }

    assertThat(sink.flows).as(format.name()).hasSize(flows.size());
    for (int i = 0; i < flows.size(); i++) {
      FlowSpec expected = flows.get(i);
      DecodedFlow.Snapshot actual = sink.flows.get(i);
      assertThat(actual.srcAddress()).isEqualTo(expected.src());
      assertThat(actual.dstAddress()).isEqualTo(expected.dst());
      assertThat(actual.srcPort()).isEqualTo(expected.srcPort());
      assertThat(actual.bytes()).isEqualTo(expected.bytes());
      assertThat(actual.packets()).isEqualTo(expected.packets());
      assertThat(actual.reverseBytes()).isEqualTo(expected.reverseBytes());
      assertThat(actual.endMillis()).isEqualTo(expected.endMillis());
      assertThat(actual.samplingRate()).isEqualTo(1.0);
    }
  }

  /** Valid datagrams of every version and many shapes: the seeds of the mutations. */
  private static List<byte[]> validCorpus() {
    List<byte[]> corpus = new ArrayList<>();
    List<FlowSpec> flows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String dst = i % 4 == 0 ? "2001:db8::" + i : "10.1.0." + i;
      flows.add(FlowSpec.of("10.0.0." + i, dst, i, 80, 17, 10L * i, i, EXPORT_MILLIS - i).withReverse(i, 1));
    }
    List<FlowSpec> v4Only = flows.stream().filter(f -> !f.isIpv6()).toList();
    for (ExportFormat format : ExportFormat.values()) {
      for (int rate : new int[] {1, 100}) {
        ExportSettings settings = ExportSettings.of(format, EXPORT_MILLIS - 100_000).withSamplingRate(rate)
            .withTemplateRefreshEvery(2).withMaxDatagramBytes(600);
        corpus.addAll(new ExportSession(settings).encode(format == ExportFormat.NETFLOW_V5 ? v4Only : flows,
            EXPORT_MILLIS));
      }
    }
    TemplateSpec varied = TemplateSpec.of(300, FieldSpec.of(SOURCE_IPV6_ADDRESS), FieldSpec.of(APPLICATION_NAME),
        FieldSpec.of(9, 5, 3), FieldSpec.of(9, 6, InformationElement.VARIABLE_LENGTH), FieldSpec.of(OCTET_DELTA_COUNT, 3),
        FieldSpec.of(FLOW_END_NANOSECONDS), FieldSpec.of(SAMPLER_ID));
    TemplateSpec options = TemplateSpec.options(301, List.of(FieldSpec.of(OBSERVATION_DOMAIN_ID)),
        List.of(FieldSpec.of(SAMPLER_ID), FieldSpec.of(SAMPLING_INTERVAL)));
    RecordSpec record = RecordSpec.empty().with(SOURCE_IPV6_ADDRESS, IpAddress.parse("2001:db8::1"))
        .with(APPLICATION_NAME, "a".repeat(300)).with(FieldSpec.of(9, 6, InformationElement.VARIABLE_LENGTH), "vendor")
        .with(OCTET_DELTA_COUNT, 99).with(FLOW_END_NANOSECONDS, NtpTimestamp.fromEpochMillis(EXPORT_MILLIS))
        .with(SAMPLER_ID, 1);
    corpus.add(IpfixMessageBuilder.create().observationDomain(3).padSetsTo(4).templates(varied)
        .optionsTemplates(options)
        .data(options, RecordSpec.empty().with(SAMPLER_ID, 1).with(SAMPLING_INTERVAL, 10))
        .data(varied, record, record).build());
    corpus.add(IpfixMessageBuilder.create().observationDomain(3).withdrawTemplates(300).withdrawAllOptionsTemplates()
        .build());
    corpus.add(IpfixMessageBuilder.create().observationDomain(3).data(varied, record).build());
    TemplateSpec v9Varied = TemplateSpec.of(300, FieldSpec.of(SOURCE_IPV6_ADDRESS), FieldSpec.of(OCTET_DELTA_COUNT, 5),
        FieldSpec.of(SAMPLER_ID));
    corpus.add(NetflowV9DatagramBuilder.create().sourceId(3).templates(v9Varied)
        .data(v9Varied, RecordSpec.empty().with(OCTET_DELTA_COUNT, 5)).build());
    return corpus;
  }

  private static byte[] mutate(byte[] valid, SplittableRandom random) {
    byte[] d = valid.clone();
    return switch (random.nextInt(4)) {
      case 0 -> flipBits(d, random);
      case 1 -> Arrays.copyOf(d, random.nextInt(d.length + 1));
      case 2 -> corruptLengthField(d, random);
      default -> flipBits(corruptLengthField(Arrays.copyOf(d, d.length - random.nextInt(Math.min(d.length, 8) + 1)),
          random), random);
    };
  }

  private static byte[] flipBits(byte[] d, SplittableRandom random) {
    if (d.length == 0) {
      return d;
    }
    int flips = 1 + random.nextInt(8);
    for (int i = 0; i < flips; i++) {
      int bit = random.nextInt(d.length * 8);
      d[bit / 8] ^= (byte) (1 << (bit % 8));
    }
    return d;
  }

  /** Overwrites one of the datagram's count or length fields: header count/length, a set length, a field count. */
  private static byte[] corruptLengthField(byte[] d, SplittableRandom random) {
    List<Integer> offsets = lengthFieldOffsets(d);
    if (offsets.isEmpty()) {
      return d;
    }
    int offset = offsets.get(random.nextInt(offsets.size()));
    int original = ByteBuffer.wrap(d).getShort(offset) & 0xFFFF;
    int[] candidates = {0, 1, 3, 4, 5, original - 1, original + 1, original * 2, 0xFFFF, random.nextInt(65536)};
    ByteBuffer.wrap(d).putShort(offset, (short) candidates[random.nextInt(candidates.length)]);
    return d;
  }

  private static List<Integer> lengthFieldOffsets(byte[] d) {
    List<Integer> offsets = new ArrayList<>();
    if (d.length < 4) {
      return offsets;
    }
    offsets.add(2);
    ByteBuffer b = ByteBuffer.wrap(d);
    int version = b.getShort(0) & 0xFFFF;
    int p = version == 9 ? 20 : version == 10 ? 16 : d.length;
    while (p + 4 <= d.length) {
      int setId = b.getShort(p) & 0xFFFF;
      int setLength = b.getShort(p + 2) & 0xFFFF;
      offsets.add(p + 2);
      if (setId < 256 && p + 8 <= d.length) {
        offsets.add(p + 6);
      }
      if (setLength < 4) {
        break;
      }
      p += setLength;
    }
    return offsets;
  }

  private static byte[] randomDatagram(SplittableRandom random) {
    byte[] d = new byte[random.nextInt(1500)];
    random.nextBytes(d);
    if (d.length >= 2 && random.nextBoolean()) {
      int[] versions = {5, 9, 10};
      ByteBuffer.wrap(d).putShort(0, (short) versions[random.nextInt(3)]);
    }
    return d;
  }
}
