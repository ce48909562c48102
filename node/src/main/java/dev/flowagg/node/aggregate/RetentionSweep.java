package dev.flowagg.node.aggregate;

import dev.flowagg.node.settings.RetentionSettings;
import dev.flowagg.node.storage.FlowTables;
import java.sql.SQLException;
import java.time.InstantSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every sweep interval, on every node: asks each flow slice to roll up the days that ended (which also starts a
 * slice nobody wrote to since the cluster started), then deletes what is past the retention. Both are safe to run on
 * several nodes at once.
 */
public final class RetentionSweep {

  private static final Logger log = LoggerFactory.getLogger(RetentionSweep.class);

  private RetentionSweep() {}

  public static void start(ActorSystem<?> system, FlowTables tables, RetentionSettings retention, InstantSource clock) {
    ClusterSharding sharding = ClusterSharding.get(system);
    system.scheduler().scheduleWithFixedDelay(
        retention.sweepInterval(),
        retention.sweepInterval(),
        () -> {
          for (int slice = 0; slice < FlowSlice.SLICES; slice++) {
            FlowSlice.ref(sharding, slice).tell(new FlowSlice.Maintain());
          }
          sweep(tables, retention, clock.millis());
        },
        system.dispatchers().lookup(DispatcherSelector.blocking()));
  }

  /** Deletes what is past the retention at {@code nowMillis}. */
  public static FlowTables.Swept sweep(FlowTables tables, RetentionSettings retention, long nowMillis) {
    try {
      FlowTables.Swept swept = tables.sweep(retention.firstHour(nowMillis), retention.firstDay(nowMillis));
      if (swept.hourRows() + swept.dayRows() + swept.tuples() > 0) {
        log.info("retention: deleted {} hourly rows, {} daily rows and {} tuples", swept.hourRows(),
            swept.dayRows(), swept.tuples());
      }
      return swept;
    } catch (SQLException | RuntimeException e) {
      log.warn("retention sweep failed (will run again): {}", e.toString());
      return new FlowTables.Swept(0, 0, 0);
    }
  }
}
