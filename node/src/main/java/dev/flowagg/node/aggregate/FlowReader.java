package dev.flowagg.node.aggregate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** Reads one hour: its index lists the tuples, then only those tuples' entities are asked for their totals. */
public final class FlowReader {

  private final ClusterSharding sharding;
  private final Duration timeout;

  public FlowReader(ActorSystem<?> system, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  /** The totals of every tuple active in {@code hour}, sorted by {@link FlowKey#ORDER}. */
  public CompletionStage<List<HourTotals>> readHour(long hour) {
    return sharding
        .entityRefFor(HourIndex.TYPE_KEY, HourIndex.entityId(hour))
        .ask(HourIndex.ListTuples::new, timeout)
        .thenCompose(tuples -> totalsOf(tuples.keys(), hour));
  }

  private CompletableFuture<List<HourTotals>> totalsOf(List<FlowKey> keys, long hour) {
    List<CompletableFuture<HourTotals>> asks = new ArrayList<>(keys.size());
    for (FlowKey key : keys) {
      asks.add(
          sharding
              .entityRefFor(FlowAggregate.TYPE_KEY, key.entityId())
              .<HourTotals>ask(replyTo -> new FlowAggregate.GetHour(hour, replyTo), timeout)
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<HourTotals> out = new ArrayList<>(asks.size());
              for (CompletableFuture<HourTotals> a : asks) {
                HourTotals t = a.join();
                // An index entry whose write never committed has no totals: not a row.
                if (t.present()) {
                  out.add(t);
                }
              }
              out.sort((a, b) -> FlowKey.ORDER.compare(a.key(), b.key()));
              return out;
            });
  }
}
