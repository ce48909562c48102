package dev.flowagg.node.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.nativeagg.DatagramBatch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The receive batches: a fixed set, and "low" once fewer than a quarter are free (the receiver then fills them up). */
class BatchPoolTest {

  @Test
  void thePoolIsLowOnceFewerThanAQuarterOfItsBatchesAreFree() {
    try (BatchPool pool = new BatchPool(8, 4, 4096)) {
      List<DatagramBatch> taken = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        taken.add(pool.take());
      }
      assertThat(pool.freeBatches()).isEqualTo(2);
      assertThat(pool.low()).isFalse();

      taken.add(pool.take());
      assertThat(pool.low()).isTrue();
      taken.add(pool.take());
      assertThat(pool.take()).as("no batch is made beyond the set").isNull();

      taken.forEach(pool::release);
      assertThat(pool.freeBatches()).isEqualTo(8);
      assertThat(pool.low()).isFalse();
    }
  }
}
