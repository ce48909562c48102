package dev.flowagg.node.aggregate;

import dev.flowagg.node.storage.FlowTables;
import java.util.Map;

/** The flow slice contract on the embedded H2 database, the single-node default. */
class FlowSliceH2Test extends FlowSliceContract {

  @Override
  SliceFixture fixture(Map<String, Object> settings) {
    return new SliceFixture(null, settings);
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
