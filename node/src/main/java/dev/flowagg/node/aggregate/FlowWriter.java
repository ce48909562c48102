package dev.flowagg.node.aggregate;

import dev.flowagg.protocol.flow.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.japi.function.Function;

/**
 * Applies a {@link WriteBatch} to the entities, all or nothing: register the tuples in their hour indexes, reserve
 * room on every tuple entity, then commit. The returned stage completes once every delta is durably stored.
 */
public final class FlowWriter {

  /** How a write ended. A failed stage (timeout, unreachable entity) means: unknown, retry with the same write id. */
  public sealed interface Outcome {}

  /** Every record is stored. */
  public record Applied(int records) implements Outcome {}

  /** Nothing was applied: a total would overflow. */
  public record Refused(String error, List<Problem> details) implements Outcome {}

  /** Entity asks one write keeps in flight at most (see {@link BoundedAsks}). */
  private static final int ASK_WINDOW = 512;

  private final ClusterSharding sharding;
  private final Duration timeout;

  public FlowWriter(ActorSystem<?> system, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  public CompletionStage<Outcome> write(String writeId, WriteBatch batch) {
    return registerTuples(batch)
        .thenCompose(
            registered ->
                batch.byTuple().size() == 1 ? commitAll(writeId, batch) : reserveThenCommit(writeId, batch));
  }

  /**
   * Applies each tuple's deltas on its own, without the all-or-nothing reservation: for inputs (NetFlow) where one
   * tuple's refusal must not hold back the others. Retrying with the same write id applies each delta once.
   */
  public CompletionStage<Outcome> writeEach(String writeId, WriteBatch batch) {
    return registerTuples(batch).thenCompose(registered -> commitAll(writeId, batch));
  }

  private CompletableFuture<Void> registerTuples(WriteBatch batch) {
    List<CompletableFuture<?>> asks = new ArrayList<>(batch.tuplesByHour().size());
    batch
        .tuplesByHour()
        .forEach(
            (hour, keys) -> {
              // Chunks fit one remote message each; the index may take them in any order.
              for (List<FlowKey> chunk : MessageSize.chunks(keys)) {
                asks.add(
                    sharding
                        .entityRefFor(HourIndex.TYPE_KEY, HourIndex.entityId(hour))
                        .<HourIndex.Registered>ask(replyTo -> new HourIndex.Register(chunk, replyTo), timeout)
                        .toCompletableFuture());
              }
            });
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new));
  }

  private CompletionStage<Outcome> reserveThenCommit(String writeId, WriteBatch batch) {
    return askAll(batch, (key, deltas) -> replyTo -> new FlowAggregate.Reserve(key, writeId, deltas, replyTo))
        .thenCompose(
            overflow -> {
              if (overflow != null) {
                batch.byTuple().keySet().forEach(key -> entity(key).tell(new FlowAggregate.Release(writeId)));
                return CompletableFuture.completedFuture(refusal(batch, overflow));
              }
              return commitAll(writeId, batch);
            });
  }

  private CompletionStage<Outcome> commitAll(String writeId, WriteBatch batch) {
    return askAll(batch, (key, deltas) -> replyTo -> new FlowAggregate.Commit(key, writeId, deltas, replyTo))
        .thenApply(overflow -> overflow == null ? new Applied(batch.records()) : refusal(batch, overflow));
  }

  /** A request to one entity, given where to reply. */
  private interface RequestFor {
    Function<ActorRef<FlowAggregate.WriteReply>, FlowAggregate.Command> apply(FlowKey key, List<HourDelta> deltas);
  }

  /** Asks every tuple entity of the batch; completes with the first overflow reported, or null when all are done. */
  private CompletableFuture<OverflowAt> askAll(WriteBatch batch, RequestFor request) {
    return BoundedAsks.inWindow(
            List.copyOf(batch.byTuple().entrySet()),
            ASK_WINDOW,
            (Map.Entry<FlowKey, List<HourDelta>> e) ->
                entity(e.getKey())
                    .ask(request.apply(e.getKey(), e.getValue()), timeout)
                    .thenApply(
                        reply ->
                            switch (reply) {
                              case FlowAggregate.Done d -> (OverflowAt) null;
                              case FlowAggregate.Overflow o -> new OverflowAt(e.getKey(), o);
                            }))
        .thenApply(all -> all.stream().filter(o -> o != null).findFirst().orElse(null));
  }


  private EntityRef<FlowAggregate.Command> entity(FlowKey key) {
    return sharding.entityRefFor(FlowAggregate.TYPE_KEY, key.entityId());
  }

  private record OverflowAt(FlowKey key, FlowAggregate.Overflow overflow) {}

  private static Refused refusal(WriteBatch batch, OverflowAt at) {
    Integer index = batch.firstRecordOf().get(new WriteBatch.TupleHour(at.key(), at.overflow().hour()));
    return new Refused(
        "a total would overflow; nothing was applied",
        List.of(WriteBatch.overflowProblem(index == null ? -1 : index, at.overflow().field())));
  }
}
