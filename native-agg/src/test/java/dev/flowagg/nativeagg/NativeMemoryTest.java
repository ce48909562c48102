package dev.flowagg.nativeagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Millions of datagrams and many contexts later, the library's heap (counted by its allocator, exact where VmRSS is
 * blurred by the JVM's own heap) stays flat.
 */
class NativeMemoryTest {

  @BeforeEach
  void nativeKernelIsBuilt() {
    assumeTrue(NativeLibraryLoader.isAvailable(), () -> "native kernel not in this build: "
        + ((NativeLibraryLoader.Unavailable) NativeLibraryLoader.outcome()).reason());
  }

  @Test
  void contextsCreatedAndFreedReturnEveryByte() {
    ClassificationTables tables = new ClassificationTables(Corpora.rules());
    List<Exported> stream = Corpora.random(ExportFormat.IPFIX, 200, 11);
    long before = NativeCalls.liveBytes();

    for (int i = 0; i < 2_000; i++) {
      try (NativeFlowKernel kernel = new NativeFlowKernel(DecoderSettings.defaults(), tables, 1 << 20)) {
        if (i % 100 == 0) {
          KernelRun.run(kernel, stream, 64, 0);
        }
      }
    }

    assertThat(NativeCalls.liveBytes()).isEqualTo(before);
  }

  @Test
  void aLongStreamKeepsNativeMemoryFlat() {
    List<Exported> stream = new ArrayList<>();
    for (ExportFormat format : ExportFormat.values()) {
      stream.addAll(Corpora.random(format, 2_000, 21 + format.ordinal()));
    }
    stream.addAll(Corpora.mutated(stream, 20_000, 77));
    try (NativeFlowKernel kernel = new NativeFlowKernel(Corpora.tightSettings(), Corpora.rules());
        DatagramBatch batch = new DatagramBatch(64, 1 << 20)) {
      long afterWarmUp = 0;
      long datagrams = 0;
      long now = Corpora.START_MILLIS;
      for (int round = 0; round < 80; round++) {
        for (Exported e : stream) {
          if (!batch.add(e.payload(), 0, e.payload().length, e.exporter(), now)) {
            kernel.process(batch);
            batch.clear();
            batch.add(e.payload(), 0, e.payload().length, e.exporter(), now);
          }
          now += 1;
          datagrams++;
        }
        kernel.process(batch);
        batch.clear();
        kernel.drain((src, dst, vpc, hour, tx, rx) -> {});
        kernel.expire(now);
        if (round == 4) {
          afterWarmUp = NativeCalls.liveBytes();
        }
      }

      assertThat(datagrams).isGreaterThan(1_500_000);
      // The library's own heap: the table keeps its high-water capacity; nothing else grows.
      assertThat(NativeCalls.liveBytes()).isLessThanOrEqualTo(afterWarmUp + (1 << 20));
    }
  }

}
