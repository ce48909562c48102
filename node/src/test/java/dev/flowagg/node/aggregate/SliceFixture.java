package dev.flowagg.node.aggregate;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.NodeConfig;
import dev.flowagg.node.metrics.EntityMetrics;
import dev.flowagg.node.query.HourRows;
import dev.flowagg.node.query.TotalsEngine;
import dev.flowagg.node.settings.NodeSettings;
import dev.flowagg.node.settings.RetentionSettings;
import dev.flowagg.node.storage.Database;
import dev.flowagg.node.storage.FlowTables;
import dev.flowagg.node.storage.SchemaMigration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * Flow slices on a real journal and real tables (the node's own configuration and migrations), spawned directly
 * rather than through sharding, with a clock the test moves.
 */
final class SliceFixture implements AutoCloseable {

  final ActorTestKit testKit;
  final NodeSettings settings;
  final FlowTables tables;
  /** Reads hours as {@code GET /flows} does. */
  final TotalsEngine engine;
  final AtomicLong nowMillis = new AtomicLong(Instant.parse("2026-12-05T10:30:00Z").toEpochMilli());
  final InstantSource clock = () -> Instant.ofEpochMilli(nowMillis.get());
  private final Map<Integer, ActorRef<FlowSlice.Command>> running = new HashMap<>();

  /** Slices on the embedded H2 database in a fresh directory, or on {@code dbUrl} when given. */
  SliceFixture(String dbUrl, Map<String, Object> settings) {
    try {
      Path dir = Files.createTempDirectory("flowagg-slice");
      Map<String, Object> all = new HashMap<>();
      all.put("flowagg.data-dir", dir.toString());
      all.put("pekko.actor.provider", "local");
      all.put("pekko.loglevel", "WARNING");
      all.put("pekko.coordinated-shutdown.exit-jvm", "off");
      if (dbUrl != null) {
        all.put("flowagg.db.url", dbUrl);
      }
      all.putAll(settings);
      NodeConfig.Loaded loaded = NodeConfig.load(ConfigFactory.parseMap(all));
      this.settings = loaded.settings();
      SchemaMigration.migrate(this.settings.database());
      this.tables = new FlowTables(new Database(this.settings.database(), "test-tables", 4));
      this.engine = new TotalsEngine(tables.database(), 16 << 20, this.settings.retention(), clock);
      tables.onStored(engine::stored);
      Config config = loaded.config();
      this.testKit = ActorTestKit.create("slices", config);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  long hour() {
    return RetentionSettings.hourOf(nowMillis.get());
  }

  FlowSlice.Environment environment() {
    return new FlowSlice.Environment(tables, settings.aggregate(), settings.retention(), clock);
  }

  /** The slice, started (or started again after {@link #stop}) on the same persistence id. */
  ActorRef<FlowSlice.Command> slice(int slice) {
    return running.computeIfAbsent(
        slice,
        s -> testKit.spawn(Behaviors.setup(ctx -> new FlowSlice(
            ctx, PersistenceId.of(FlowSlice.TYPE_KEY.name(), Integer.toString(s)), s, environment(),
            EntityMetrics.unscraped("FlowSlice")))));
  }

  void stop(int slice) {
    ActorRef<FlowSlice.Command> ref = running.remove(slice);
    if (ref != null) {
      testKit.stop(ref);
    }
  }

  FlowSlice.WriteReply write(int slice, WriteId id, boolean eachRow, DeltaBlock deltas) {
    var probe = testKit.<FlowSlice.WriteReply>createTestProbe();
    slice(slice).tell(new FlowSlice.Write(id, deltas, eachRow, probe.ref()));
    return probe.receiveMessage(java.time.Duration.ofSeconds(20));
  }

  FlowSlice.WriteReply reserve(int slice, WriteId.Unique id, DeltaBlock deltas) {
    var probe = testKit.<FlowSlice.WriteReply>createTestProbe();
    slice(slice).tell(new FlowSlice.Reserve(id, deltas, probe.ref()));
    return probe.receiveMessage(java.time.Duration.ofSeconds(20));
  }

  /** Every row of the hour as {@code "src dst vpc tx rx"}, in the tables' order. */
  List<String> rows(long hour) {
    return rows(hour, HourRows.IN_MEMORY);
  }

  /** As {@link #rows(long)}, from the totals engine up to {@code inMemory} rows, through a database cursor above. */
  List<String> rows(long hour, int inMemory) {
    List<String> out = new ArrayList<>();
    try (HourRows rows = HourRows.open(tables.database(), engine, hour, inMemory)) {
      for (HourRows.Row r = rows.next(); r != null; r = rows.next()) {
        out.add(r.srcApp() + " " + r.destApp() + " " + r.vpcId() + " " + r.bytesTx() + " " + r.bytesRx());
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** A tuple of this slice: names chosen so that {@link FlowKey#slice()} is {@code slice}. */
  static FlowKey tupleOf(int slice, String prefix) {
    for (int i = 0; ; i++) {
      FlowKey k = new FlowKey(prefix + i, "server", "vpc-1");
      if (k.slice() == slice) {
        return k;
      }
    }
  }

  static DeltaBlock deltas(Object... keyHourTxRx) {
    DeltaBlock.Builder b = DeltaBlock.builder();
    for (int i = 0; i < keyHourTxRx.length; i += 4) {
      b.add((FlowKey) keyHourTxRx[i], ((Number) keyHourTxRx[i + 1]).longValue(),
          ((Number) keyHourTxRx[i + 2]).longValue(), ((Number) keyHourTxRx[i + 3]).longValue());
    }
    return b.build();
  }

  @Override
  public void close() {
    testKit.shutdownTestKit();
    tables.close();
  }
}
