package dev.flowagg.nativeagg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.ExporterStats;
import dev.flowagg.protocol.netflow.encode.ExpectedTotals;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.SyntheticExport;
import dev.flowagg.protocol.netflow.encode.SyntheticTraffic;
import dev.flowagg.protocol.netflow.encode.TrafficShape;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the sender says it sent equals what the kernel aggregates from the very same datagrams. */
class SyntheticTrafficAggregationTest {

  /** 2026-01-01T00:00Z, in hours since the epoch. */
  private static final long FIRST_HOUR = 491_688;
  private static final List<IpAddress> ONE_EXPORTER = List.of(IpAddress.parse("127.0.0.1"));
  /** Three exporters on two addresses: two of them share 127.0.0.2 and differ by observation domain. */
  private static final List<IpAddress> THREE_EXPORTERS =
      List.of(IpAddress.parse("127.0.0.1"), IpAddress.parse("127.0.0.2"), IpAddress.parse("127.0.0.2"));

  static Stream<Arguments> exports() {
    TrafficShape base = TrafficShape.of(7, 20_000, FIRST_HOUR).withHosts(300, 40).withHours(3);
    TrafficShape v4Only = base.withIpv6Share(0);
    return Stream.of(
        Arguments.of("v5", v4Only, ExportFormat.NETFLOW_V5, 1, ONE_EXPORTER),
        Arguments.of("v5 sampled 1 in 4", v4Only, ExportFormat.NETFLOW_V5, 4, THREE_EXPORTERS),
        Arguments.of("v9", base, ExportFormat.NETFLOW_V9, 1, ONE_EXPORTER),
        Arguments.of("v9 sampled 1 in 8", base, ExportFormat.NETFLOW_V9, 8, THREE_EXPORTERS),
        Arguments.of("IPFIX", base, ExportFormat.IPFIX, 1, THREE_EXPORTERS),
        Arguments.of("IPFIX sampled 1 in 10", base, ExportFormat.IPFIX, 10, ONE_EXPORTER),
        Arguments.of("IPFIX biflow", base.withBiflow(true), ExportFormat.IPFIX, 1, THREE_EXPORTERS),
        Arguments.of("IPFIX biflow, all IPv6, 24 hours", base.withBiflow(true).withIpv6Share(1).withHours(24),
            ExportFormat.IPFIX, 2, ONE_EXPORTER));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exports")
  void kernelTotalsEqualTheSendersTotals(String name, TrafficShape shape, ExportFormat format, int sampling,
      List<IpAddress> exporters) {
    ExportSettings settings = ExportSettings.of(format, 0).withSamplingRate(sampling).withTemplateRefreshEvery(16);
    SyntheticExport export =
        new SyntheticExport(new SyntheticTraffic(shape), settings, exporters, 100, new ExpectedTotals());

    List<ExpectedTotals.Row> aggregated = new ArrayList<>();
    long flows = 0;
    try (JavaFlowKernel kernel = new JavaFlowKernel(DecoderSettings.defaults(), ClassificationRules.empty());
        DatagramBatch batch = new DatagramBatch(1024, 4 << 20)) {
      while (export.hasNext()) {
        SyntheticExport.Chunk chunk = export.next();
        for (byte[] d : chunk.datagrams()) {
          if (!batch.add(d, 0, d.length, chunk.exporterAddress(), chunk.exportMillis())) {
            flows += kernel.process(batch);
            batch.clear();
            batch.add(d, 0, d.length, chunk.exporterAddress(), chunk.exportMillis());
          }
        }
      }
      flows += kernel.process(batch);
      kernel.drain((src, dst, vpc, hour, tx, rx) -> aggregated.add(new ExpectedTotals.Row(src, dst, vpc, tx, rx, hour)));
      assertThat(kernel.stats()).allSatisfy(s -> assertThat(s.errors()).isEmpty());
      assertThat(kernel.stats().stream().mapToLong(ExporterStats::datagrams).sum()).isEqualTo(export.datagrams());
    }

    List<ExpectedTotals.Row> expected = export.totals().rows();
    assertThat(flows).isEqualTo(shape.records());
    assertThat(expected).hasSizeGreaterThan(100);
    assertThat(aggregated).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(expected).extracting(ExpectedTotals.Row::hour).contains(FIRST_HOUR, FIRST_HOUR + shape.hours() - 1);
    assertThat(expected).extracting(ExpectedTotals.Row::vpcId).containsAll(exporters.stream().map(IpAddress::toString).toList());
  }
}
