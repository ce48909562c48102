package dev.flowagg.node.aggregate;

import static dev.flowagg.node.aggregate.SliceFixture.deltas;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.query.HourRows;
import dev.flowagg.node.storage.FlowTables;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The flow slice contract on the embedded H2 database, the single-node default. */
class FlowSliceH2Test extends FlowSliceContract {

  @Override
  SliceFixture fixture(Map<String, Object> settings) {
    return new SliceFixture(null, settings);
  }

  @Test
  void anHourComesInCodePointOrderWhetherFromMemoryOrSortedByTheDatabase() {
    long h = f.hour();
    FlowKey a = SliceFixture.tupleOf(SLICE, "a");
    FlowKey halfwidth = SliceFixture.tupleOf(SLICE, "\uFF61");
    FlowKey rocket = SliceFixture.tupleOf(SLICE, "🚀");
    f.write(SLICE, unique(), false, deltas(rocket, h, 3, 3, halfwidth, h, 2, 2, a, h, 1, 1));

    List<String> inMemory = f.rows(h, HourRows.IN_MEMORY);
    assertThat(inMemory).hasSize(3).isEqualTo(f.rows(h, 0));
    // U+FF61 before U+1F680 by code point (UTF-16 units would put the rocket's surrogates first).
    assertThat(inMemory.get(0)).startsWith("a");
    assertThat(inMemory.get(1)).startsWith("\uFF61");
    assertThat(inMemory.get(2)).startsWith("🚀");
  }

  private static long key(long bucket, long tupleId) {
    return (bucket << FlowTables.TUPLE_BITS) | tupleId;
  }

  private long idOf(FlowKey k) throws Exception {
    return query(f.tables.database(), "SELECT id FROM flow_tuple WHERE src_app = ? AND dest_app = ? AND vpc_id = ?",
        k.srcApp(), k.destApp(), k.vpcId());
  }

  @Override
  long dayTotal(FlowKey key, long day) throws Exception {
    return query(f.tables.database(), "SELECT bytes_tx FROM flow_day WHERE row_key = ?", key(day, idOf(key)));
  }

  @Override
  void undoLastEvent(FlowKey a, long aTx, FlowKey b) throws Exception {
    long h = f.hour();
    execute(f.tables.database(), "UPDATE flow_hour SET bytes_tx = bytes_tx - ?, bytes_rx = bytes_rx - ? WHERE row_key = ?",
        aTx, aTx, key(h, idOf(a)));
    long bId = idOf(b);
    execute(f.tables.database(), "DELETE FROM flow_hour WHERE row_key = ?", key(h, bId));
    execute(f.tables.database(), "DELETE FROM flow_tuple WHERE id = ?", bId);
    execute(f.tables.database(), "UPDATE flow_slice SET seq = seq - 1 WHERE slice = ?", SLICE);
  }
}
