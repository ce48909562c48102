package dev.flowagg.node.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.NodeConfig;
import dev.flowagg.node.settings.NodeSettings;
import dev.flowagg.node.settings.RetentionSettings;
import dev.flowagg.node.storage.Database;
import dev.flowagg.node.storage.FlowTables;
import dev.flowagg.node.storage.SchemaMigration;
import dev.flowagg.node.storage.SliceUpdate;
import java.nio.file.Files;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The query cache adds what this node's slices commit to the hours it holds, so that an hour changed by every
 * delivery is not read again for each query, and its answers stay those of the tables: also when a slice stored
 * events this cache never saw (another node, in a cluster).
 */
class PieceCacheWriteThroughTest {

  private static final InstantSource CLOCK = () -> Instant.parse("2026-12-05T10:30:00Z");
  private static final long H = RetentionSettings.hourOf(CLOCK.millis());

  private Database db;
  /** This node's tables: the engine hears what they commit. */
  private FlowTables local;
  /** The same tables written by another node: nothing heard. */
  private FlowTables elsewhere;
  private TotalsEngine engine;
  private NodeSettings settings;
  private final long[] seq = new long[4];

  @BeforeEach
  void start() throws Exception {
    settings = NodeConfig.load(ConfigFactory.parseMap(
        Map.of("flowagg.data-dir", Files.createTempDirectory("flowagg-cache").toString()))).settings();
    SchemaMigration.migrate(settings.database());
    db = new Database(settings.database(), "cache-test", 4);
    local = new FlowTables(db);
    elsewhere = new FlowTables(db);
    engine = new TotalsEngine(db, 64 << 20, settings.retention(), CLOCK);
    local.onStored(engine::stored);
    for (int slice = 0; slice < seq.length; slice++) {
      local.storedSeq(slice, Math.floorDiv(H, 24) - 1);
      SliceUpdate u = new SliceUpdate(slice, ++seq[slice]);
      for (int n = 0; n < 100; n++) {
        u.name(FlowTables.tupleId(slice, n), "src-" + slice + "-" + n, "dst", "vpc", H).row(
            FlowTables.tupleId(slice, n), H, 10, 1, true);
      }
      local.apply(u, 0);
    }
  }

  @AfterEach
  void stop() {
    db.close();
  }

  @Test
  void hoursThisNodeWritesAreNotReadAgain() throws Exception {
    assertThat(hour(H)).hasSize(400).isEqualTo(fresh(H));
    long read = engine.piecesRead();

    // Slice 0: one more byte for ten tuples and two new tuples, then an event of the next hour only, then this hour
    // again (the cache must know its piece is exact through the event it was not touched by).
    SliceUpdate u = new SliceUpdate(0, ++seq[0]);
    for (int n = 0; n < 10; n++) {
      u.row(FlowTables.tupleId(0, n), H, 1, 1, false);
    }
    u.name(FlowTables.tupleId(0, 100), "src-0-100", "dst", "vpc", H).row(FlowTables.tupleId(0, 100), H, 7, 7, true);
    u.name(FlowTables.tupleId(0, 101), "a-first", "dst", "vpc", H).row(FlowTables.tupleId(0, 101), H, 8, 8, true);
    local.apply(u, 0);
    local.apply(new SliceUpdate(0, ++seq[0]).row(FlowTables.tupleId(0, 5), H + 1, 5, 5, true), 0);
    local.apply(new SliceUpdate(0, ++seq[0]).row(FlowTables.tupleId(0, 6), H, 100, 0, false), 0);

    List<String> rows = hour(H);
    assertThat(rows).hasSize(402).isEqualTo(fresh(H)).first().isEqualTo("a-first dst vpc 8 8");
    assertThat(rows).contains("src-0-6 dst vpc 111 2", "src-0-99 dst vpc 10 1");
    assertThat(engine.piecesRead()).as("pieces read from the tables").isEqualTo(read);
  }

  @Test
  void eventsStoredElsewhereAreReadFromTheTables() throws Exception {
    hour(H);
    long read = engine.piecesRead();

    elsewhere.apply(new SliceUpdate(2, ++seq[2]).row(FlowTables.tupleId(2, 3), H, 1000, 0, false), 0);
    assertThat(hour(H)).contains("src-2-3 dst vpc 1010 1").isEqualTo(fresh(H));
    assertThat(engine.piecesRead()).isEqualTo(read + 1);

    // The next event here follows one the cache never saw: the piece just read is exact through it, and takes it.
    local.apply(new SliceUpdate(2, ++seq[2]).row(FlowTables.tupleId(2, 3), H, 1, 0, false), 0);
    assertThat(hour(H)).contains("src-2-3 dst vpc 1011 1").isEqualTo(fresh(H));
    assertThat(engine.piecesRead()).isEqualTo(read + 1);

    // Seen here, then elsewhere, then here again: the piece missed one event and is read again.
    elsewhere.apply(new SliceUpdate(2, ++seq[2]).row(FlowTables.tupleId(2, 4), H, 1000, 0, false), 0);
    local.apply(new SliceUpdate(2, ++seq[2]).row(FlowTables.tupleId(2, 4), H, 1, 0, false), 0);
    assertThat(hour(H)).contains("src-2-4 dst vpc 1011 1").isEqualTo(fresh(H));
    assertThat(engine.piecesRead()).isEqualTo(read + 2);
  }

  private List<String> hour(long hour) throws Exception {
    return rows(engine, hour);
  }

  /** The same hour from an engine with nothing cached. */
  private List<String> fresh(long hour) throws Exception {
    return rows(new TotalsEngine(db, 64 << 20, settings.retention(), CLOCK), hour);
  }

  private static List<String> rows(TotalsEngine e, long hour) throws Exception {
    List<String> out = new ArrayList<>();
    e.hourByTuple(hour, r -> out.add(r.srcApp() + " " + r.destApp() + " " + r.vpcId() + " " + r.bytesTx() + " "
        + r.bytesRx()));
    return out;
  }
}
