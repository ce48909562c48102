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

  /** Entity asks one read keeps in flight at most: a cold hour recovers its entities without a storm. */
  private static final int READ_WINDOW = 2048;

  private final ClusterSharding sharding;
  private final Duration timeout;

  public FlowReader(ActorSystem<?> system, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  /** The totals of every tuple active in {@code hour}, sorted by {@link FlowKey#ORDER}. */
  public CompletionStage<List<HourTotals>> readHour(long hour) {
    return tuplesOf(hour, 0, new ArrayList<>()).thenCompose(keys -> totalsOf(keys, hour));
  }

  /** Every tuple of the hour, page by page (a page fits one remote message). */
  private CompletionStage<List<FlowKey>> tuplesOf(long hour, int from, List<FlowKey> gathered) {
    return sharding
        .entityRefFor(HourIndex.TYPE_KEY, HourIndex.entityId(hour))
        .<HourIndex.Tuples>ask(replyTo -> new HourIndex.ListTuples(from, replyTo), timeout)
        .thenCompose(
            page -> {
              gathered.addAll(page.keys());
              return page.next() < 0
                  ? CompletableFuture.completedFuture(gathered)
                  : tuplesOf(hour, page.next(), gathered);
            });
  }

  private CompletableFuture<List<HourTotals>> totalsOf(List<FlowKey> keys, long hour) {
    return BoundedAsks.inWindow(
            keys,
            READ_WINDOW,
            (FlowKey key) ->
                sharding
                    .entityRefFor(FlowAggregate.TYPE_KEY, key.entityId())
                    .<HourTotals>ask(replyTo -> new FlowAggregate.GetHour(hour, replyTo), timeout))
        .thenApply(
            all -> {
              List<HourTotals> out = new ArrayList<>(all.size());
              for (HourTotals t : all) {
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
