package dev.flowagg.node.aggregate;

import dev.flowagg.protocol.flow.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import dev.flowagg.node.sharding.PatientAsk;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Applies writes to the {@link FlowSlice}s. A request's write is all or nothing: when it spans several slices (or
 * parts), every slice first reserves room, then all write; the returned stage completes once every delta is stored
 * and visible to queries. A NetFlow delivery writes each slice's parts in order under one writer's sequence numbers,
 * retrying each until it is stored.
 */
public final class FlowWriter {

  /** How a write ended. A failed stage (timeout, slice unavailable) means: unknown, retry with the same write id. */
  public sealed interface Outcome {}

  /** Every record is stored. */
  public record Applied(int records) implements Outcome {}

  /** Nothing was applied: a total would overflow. */
  public record Refused(String error, List<Problem> details) implements Outcome {}

  /** A slice could not store its part (its database is unavailable). */
  public static final class SliceFailed extends RuntimeException {
    public SliceFailed(String reason) {
      super(reason);
    }
  }

  private final ClusterSharding sharding;
  private final ActorSystem<?> system;
  private final Duration timeout;

  public FlowWriter(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  /** Writes a request's records all or nothing under {@code writeId}; a retry with the same id counts them once. */
  public CompletionStage<Outcome> write(String writeId, WriteBatch batch) {
    WriteId.Unique id = WriteId.Unique.of(writeId);
    List<Target> targets = new ArrayList<>();
    batch.bySlice().forEach(
        (slice, parts) -> {
          for (int p = 0; p < parts.size(); p++) {
            targets.add(new Target(slice, id.part(p), parts.get(p)));
          }
        });
    if (targets.size() == 1) {
      return writeAll(targets, batch);
    }
    return askAll(targets, t -> replyTo -> new FlowSlice.Reserve(t.id(), t.deltas(), replyTo))
        .thenCompose(
            replies -> {
              Outcome refused = refusal(replies, batch);
              if (refused != null) {
                targets.forEach(t -> FlowSlice.ref(sharding, t.slice()).tell(new FlowSlice.Release(t.id())));
              }
              return refused != null ? CompletableFuture.completedFuture(refused) : writeAll(targets, batch);
            });
  }

  private CompletionStage<Outcome> writeAll(List<Target> targets, WriteBatch batch) {
    return askAll(targets, t -> replyTo -> new FlowSlice.Write(t.id(), t.deltas(), false, replyTo))
        .thenApply(
            replies -> {
              Outcome refused = refusal(replies, batch);
              return refused != null ? refused : new Applied(batch.records());
            });
  }

  /** The refusal among the replies, or null when all are done; a failure fails the stage (503, retry). */
  private static Outcome refusal(List<FlowSlice.WriteReply> replies, WriteBatch batch) {
    for (FlowSlice.WriteReply reply : replies) {
      if (reply instanceof FlowSlice.Failed f) {
        throw new SliceFailed(f.reason());
      }
    }
    for (FlowSlice.WriteReply reply : replies) {
      if (reply instanceof FlowSlice.Overflow o) {
        Integer index = batch.firstRecordOf().get(new WriteBatch.TupleHour(o.key(), o.hour()));
        return new Refused(
            "a total would overflow; nothing was applied",
            List.of(WriteBatch.overflowProblem(index == null ? -1 : index, o.field())));
      }
    }
    return null;
  }

  private record Target(int slice, WriteId.Unique id, DeltaBlock deltas) {}

  private CompletableFuture<List<FlowSlice.WriteReply>> askAll(
      List<Target> targets,
      Function<Target, org.apache.pekko.japi.function.Function<ActorRef<FlowSlice.WriteReply>, FlowSlice.Command>>
          request) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<CompletableFuture<FlowSlice.WriteReply>> asks = new ArrayList<>(targets.size());
    for (Target t : targets) {
      asks.add(askUntil(t.slice(), request.apply(t), deadline));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(v -> asks.stream().map(CompletableFuture::join).toList());
  }

  private CompletableFuture<FlowSlice.WriteReply> askUntil(
      int slice,
      org.apache.pekko.japi.function.Function<ActorRef<FlowSlice.WriteReply>, FlowSlice.Command> request,
      long deadlineNanos) {
    return PatientAsk.ask(FlowSlice.ref(sharding, slice), request, deadlineNanos, system.executionContext());
  }

  // ---- NetFlow deliveries ------------------------------------------------------------------------------------------

  /** What a delivery stored: rows left out because a total would overflow or the hour is past retention. */
  public record Delivered(long rowsRefused, long rowsExpired, long retries) {}

  /** Part numbers of one delivery to one slice fit in the low bits of its sequence numbers. */
  public static final int PART_BITS = 20;

  /**
   * Writes one delivery: for every slice its parts in order, each under {@code (writer, number << 20 | part)} and
   * retried (with backoff) until the slice stored it. Completes when every slice has stored all of its parts.
   */
  public CompletionStage<Delivered> deliver(long writer, long number, Map<Integer, List<DeltaBlock>> bySlice) {
    List<CompletableFuture<long[]>> slices = new ArrayList<>();
    bySlice.forEach(
        (slice, parts) -> {
          CompletableFuture<long[]> chain = CompletableFuture.completedFuture(new long[3]);
          for (int p = 0; p < parts.size(); p++) {
            WriteId id = new WriteId.Sequenced(writer, (number << PART_BITS) | p);
            DeltaBlock part = parts.get(p);
            chain = chain.thenCompose(sum -> deliverPart(slice, id, part, 0).thenApply(r -> add(sum, r)));
          }
          slices.add(chain);
        });
    return CompletableFuture.allOf(slices.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              long[] total = new long[3];
              slices.forEach(f -> add(total, f.join()));
              return new Delivered(total[0], total[1], total[2]);
            });
  }

  private static long[] add(long[] sum, long[] r) {
    sum[0] += r[0];
    sum[1] += r[1];
    sum[2] += r[2];
    return sum;
  }

  /** {@code [refused, expired, retries]} once the part is stored. */
  private CompletableFuture<long[]> deliverPart(int slice, WriteId id, DeltaBlock part, int attempt) {
    return FlowSlice.ref(sharding, slice)
        .<FlowSlice.WriteReply>ask(replyTo -> new FlowSlice.Write(id, part, true, replyTo), timeout)
        .toCompletableFuture()
        .handle(
            (reply, failure) -> {
              if (reply instanceof FlowSlice.Done d) {
                return CompletableFuture.completedFuture(new long[] {d.rowsRefused(), d.rowsExpired(), attempt});
              }
              // Unknown outcome (timeout, failed store): the same id again is applied at most once.
              long backoff = Math.min(5_000, 100L << Math.min(attempt, 6));
              backoff += ThreadLocalRandom.current().nextLong(backoff / 4 + 1);
              return CompletableFuture.supplyAsync(
                      () -> deliverPart(slice, id, part, attempt + 1),
                      CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS, system.executionContext()))
                  .thenCompose(f -> f);
            })
        .thenCompose(f -> f);
  }
}
