package dev.flowagg.node.sharding;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.japi.function.Function;

/**
 * Asks a sharded entity, and asks again while no answer comes and the deadline allows. When a node dies or stalls,
 * its entities answer from another node a few seconds after the cluster downs it: a request that asks again meets
 * them there instead of waiting out its whole deadline. Only for messages the entity handles idempotently.
 */
public final class PatientAsk {

  /** How long one attempt waits. */
  public static final Duration ATTEMPT = Duration.ofSeconds(3);

  private static final Duration PAUSE = Duration.ofMillis(200);

  private PatientAsk() {}

  /** The entity's answer, asking again every {@link #ATTEMPT} until {@code deadlineNanos} ({@link System#nanoTime}). */
  public static <M, R> CompletableFuture<R> ask(
      EntityRef<M> entity, Function<ActorRef<R>, M> message, long deadlineNanos, Executor executor) {
    long remaining = deadlineNanos - System.nanoTime();
    Duration attempt = Duration.ofNanos(Math.max(1, Math.min(ATTEMPT.toNanos(), remaining)));
    return entity.ask(message, attempt).toCompletableFuture().handle((reply, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(reply);
      }
      if (deadlineNanos - System.nanoTime() <= PAUSE.toNanos()) {
        return CompletableFuture.<R>failedFuture(failure);
      }
      return CompletableFuture.supplyAsync(
              () -> ask(entity, message, deadlineNanos, executor),
              CompletableFuture.delayedExecutor(PAUSE.toMillis(), TimeUnit.MILLISECONDS, executor))
          .thenCompose(f -> f);
    }).thenCompose(f -> f);
  }

  /** The deadline {@code timeout} from now. */
  public static long deadline(Duration timeout) {
    return System.nanoTime() + timeout.toNanos();
  }
}
