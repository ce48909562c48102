package dev.flowagg.node.aggregate;

import dev.flowagg.node.testing.PostgresDatabase;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/** The flow slice contract on PostgreSQL (partitioned tables, array upserts), in a fresh database per test. */
class FlowSlicePostgresTest extends FlowSliceContract {

  private PostgresDatabase db;

  @Override
  SliceFixture fixture(Map<String, Object> settings) {
    db = new PostgresDatabase();
    Map<String, Object> all = new java.util.HashMap<>(settings);
    all.put("flowagg.db.user", db.nodeEnv().get("FLOWAGG_DB_USER"));
    all.put("flowagg.db.password", db.nodeEnv().get("FLOWAGG_DB_PASSWORD"));
    return new SliceFixture(db.url(), all);
  }

  @AfterEach
  void dropDatabase() {
    db.close();
  }

  private long idOf(FlowKey k) throws Exception {
    return query(f.tables.database(), "SELECT id FROM flow_tuple WHERE src_app = ? AND dest_app = ? AND vpc_id = ?",
        k.srcApp(), k.destApp(), k.vpcId());
  }

  @Override
  long dayTotal(FlowKey key, long day) throws Exception {
    return query(f.tables.database(), "SELECT bytes_tx FROM flow_day WHERE epoch_day = ? AND tuple_id = ?", day,
        idOf(key));
  }

  @Override
  void undoLastEvent(FlowKey a, long aTx, FlowKey b) throws Exception {
    long h = f.hour();
    execute(f.tables.database(), "UPDATE flow_hour SET bytes_tx = bytes_tx - ?, bytes_rx = bytes_rx - ? "
        + "WHERE epoch_hour = ? AND tuple_id = ?", aTx, aTx, h, idOf(a));
    long bId = idOf(b);
    execute(f.tables.database(), "DELETE FROM flow_hour WHERE epoch_hour = ? AND tuple_id = ?", h, bId);
    execute(f.tables.database(), "DELETE FROM flow_tuple WHERE id = ?", bId);
    execute(f.tables.database(), "UPDATE flow_slice SET seq = seq - 1 WHERE slice = ?", SLICE);
  }
}
