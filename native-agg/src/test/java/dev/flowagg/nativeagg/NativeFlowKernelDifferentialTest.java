package dev.flowagg.nativeagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.netflow.DecodeError;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.ExporterStats;
import dev.flowagg.protocol.netflow.SamplingMode;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The native kernel, its Java twin and the first Java kernel drain the same totals and count the same things. */
class NativeFlowKernelDifferentialTest {

  @BeforeEach
  void nativeKernelIsBuilt() {
    assumeTrue(NativeLibraryLoader.isAvailable(), () -> "native kernel not in this build: "
        + ((NativeLibraryLoader.Unavailable) NativeLibraryLoader.outcome()).reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"mixed-v5", "mixed-v5-sampled", "mixed-v9", "mixed-v9-sampled", "mixed-ipfix",
      "mixed-ipfix-sampled", "mixed-ipfix-biflow", "mixed-ipfix-millis", "many-v5", "many-v5-sampled", "many-v9",
      "many-v9-sampled", "many-ipfix", "many-ipfix-sampled", "many-ipfix-biflow", "many-ipfix-millis"})
  void goldenCapturesDrainIdenticalTotalsAndStats(String capture) {
    List<Exported> stream = Corpora.golden(capture + ".datagrams");

    assertAllKernelsAgree(DecoderSettings.defaults(), Corpora.rules(), stream, 64, 0);
  }

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void randomTrafficOfEachVersionDrainsIdenticalTotalsAndStats(ExportFormat format) {
    List<Exported> stream = Corpora.random(format, 3_000, 42 + format.ordinal());

    KernelRun.Outcome outcome = assertAllKernelsAgree(DecoderSettings.defaults(), Corpora.rules(), stream, 64, 500);

    assertThat(outcome.flows()).isEqualTo(8L * 3_000);
    assertThat(outcome.totals()).hasSizeGreaterThan(1_000);
  }

  @Test
  void mixedVersionsOneDatagramPerCallWithSamplingIgnoredAgree() {
    List<Exported> stream = new ArrayList<>();
    for (ExportFormat format : ExportFormat.values()) {
      stream.addAll(Corpora.random(format, 500, 7 + format.ordinal()));
    }
    stream.sort((a, b) -> Long.compare(a.receivedAtMillis(), b.receivedAtMillis()));

    assertAllKernelsAgree(DecoderSettings.defaults().withSamplingMode(SamplingMode.IGNORE), ClassificationRules.empty(),
        stream, 1, 0);
  }

  @Test
  void aNativeTableThatFillsSpillsMidBatchAndDrainsTheSameTotals() {
    List<Exported> stream = Corpora.random(ExportFormat.IPFIX, 2_000, 99);
    ClassificationTables tables = new ClassificationTables(Corpora.rules());

    KernelRun.Outcome small;
    try (NativeFlowKernel kernel = new NativeFlowKernel(DecoderSettings.defaults(), tables, 50)) {
      small = KernelRun.run(kernel, stream, 64, 0);
    }
    KernelRun.Outcome java = KernelRun.run(new JavaFlowKernel(DecoderSettings.defaults(), tables), stream, 64, 0);

    assertThat(small.totals()).isEqualTo(java.totals());
    assertThat(small.stats()).isEqualTo(java.stats());
  }

  @Test
  void mutatedAndRandomDatagramsAreCountedAlikeAndNeverCrash() {
    List<Exported> seeds = new ArrayList<>();
    for (ExportFormat format : ExportFormat.values()) {
      seeds.addAll(Corpora.random(format, 60, 5 + format.ordinal()));
    }
    List<Exported> stream = Corpora.mutated(seeds, 150_000, 0x5EED);

    KernelRun.Outcome outcome = assertAllKernelsAgree(Corpora.tightSettings(), Corpora.rules(), stream, 64, 20_000);

    List<ExporterStats> stats = outcome.stats();
    assertThat(stats.stream().mapToLong(ExporterStats::datagrams).sum()).isEqualTo(150_000);
    assertThat(stats.stream().mapToLong(ExporterStats::totalErrors).sum()).isGreaterThan(150_000 / 4);
    assertThat(stats.stream().mapToLong(s -> s.errors(DecodeError.DECODER_FAULT)).sum()).isZero();
    assertThat(outcome.flows()).isGreaterThan(100_000);
  }

  @Test
  void randomRecordsBehindPlausibleV5HeadersAreRefusedAlike() {
    List<Exported> stream = Corpora.v5Garbage(20_000, 0x16);

    KernelRun.Outcome outcome = assertAllKernelsAgree(DecoderSettings.defaults(), Corpora.rules(), stream, 64, 0);

    long refused = outcome.stats().stream().mapToLong(s -> s.errors(DecodeError.RECORD_TIME_IMPLAUSIBLE)).sum();
    long accepted = stream.size() - refused;
    // A random record has about one chance in four of plausible times, so only datagrams of very few records pass;
    // none of 30.
    assertThat(refused).isGreaterThan(stream.size() * 95L / 100);
    assertThat(outcome.flows()).isLessThan(accepted * 3);
  }

  @Test
  void rulesNamedLikeAddressesMergeRowsByName() {
    // An app named like an address: its flows and that address's flows are one name in the output.
    ClassificationRules rules = ClassificationRules.builder().app("10.1.0.0/16", "203.0.113.5")
        .exporterVpc("198.51.100.0/24", "198.51.100.2").build();
    List<Exported> stream = Corpora.random(ExportFormat.NETFLOW_V9, 2_000, 3);

    assertAllKernelsAgree(DecoderSettings.defaults(), rules, stream, 16, 0);
  }

  private static KernelRun.Outcome assertAllKernelsAgree(DecoderSettings settings, ClassificationRules rules,
      List<Exported> stream, int perBatch, int expireEvery) {
    KernelRun.Outcome reference = KernelRun.run(new ReferenceKernel(settings, rules), stream, perBatch, expireEvery);
    KernelRun.Outcome java = KernelRun.run(new JavaFlowKernel(settings, rules), stream, perBatch, expireEvery);
    KernelRun.Outcome nativeOutcome;
    try (NativeFlowKernel kernel = new NativeFlowKernel(settings, rules)) {
      nativeOutcome = KernelRun.run(kernel, stream, perBatch, expireEvery);
    }
    assertThat(java.totals()).as("Java twin vs first Java kernel").isEqualTo(reference.totals());
    assertThat(nativeOutcome.stats()).as("native vs Java counters").isEqualTo(java.stats());
    assertThat(nativeOutcome.totals()).as("native vs Java totals").isEqualTo(java.totals());
    assertThat(nativeOutcome.flows()).isEqualTo(java.flows());
    assertThat(java.stats()).isEqualTo(reference.stats());
    return nativeOutcome;
  }
}
