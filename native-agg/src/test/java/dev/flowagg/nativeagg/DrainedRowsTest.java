package dev.flowagg.nativeagg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.netflow.encode.ExportFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rows drained unnamed and named later (on another thread) are exactly what a plain drain gives. */
class DrainedRowsTest {

  private static List<String> rows(FlowKernel kernel, List<Exported> corpus, boolean later) {
    try (DatagramBatch batch = new DatagramBatch(4096, 8 << 20)) {
      for (Exported e : corpus) {
        if (!batch.add(e.payload(), 0, e.payload().length, e.exporter(), e.receivedAtMillis())) {
          kernel.process(batch);
          batch.clear();
          batch.add(e.payload(), 0, e.payload().length, e.exporter(), e.receivedAtMillis());
        }
      }
      kernel.process(batch);
    }
    List<String> out = new ArrayList<>();
    AggregateSink sink = (src, dst, vpc, hour, tx, rx) -> out.add(src + " " + dst + " " + vpc + " " + hour + " " + tx
        + " " + rx);
    if (later) {
      DrainedRows drained = kernel.drainRows();
      assertThat(kernel.pendingEntries()).isZero();
      Thread namer = Thread.ofPlatform().start(() -> drained.emit(sink));
      try {
        namer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      kernel.drain(sink);
    }
    out.sort(null);
    return out;
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class)
  void namedLaterTheRowsAreThoseOfAPlainDrain(ExportFormat format) {
    List<Exported> corpus = Corpora.random(format, 3000, 11);
    for (NativeMode mode : new NativeMode[] {NativeMode.OFF, NativeMode.AUTO}) {
      try (FlowKernel plain = FlowKernels.create(mode, Corpora.tightSettings(), Corpora.rules());
          FlowKernel later = FlowKernels.create(mode, Corpora.tightSettings(), Corpora.rules())) {
        List<String> expected = rows(plain, corpus, false);
        assertThat(expected).hasSizeGreaterThan(100);
        assertThat(rows(later, corpus, true)).as(mode + " kernel").isEqualTo(expected);
      }
    }
  }
}
