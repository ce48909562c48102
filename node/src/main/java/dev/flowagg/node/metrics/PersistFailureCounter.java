package dev.flowagg.node.metrics;

import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * Counts failures of an event-sourced entity. When a journal write or recovery fails, Pekko's own supervisor inside
 * the entity stops it, with no signal to observe: the entity's behavior ends while handling a message. flowagg's
 * entities never stop themselves on a message (passivation arrives as a signal), so that is what is counted; a
 * failure thrown past the supervisor is counted too and goes on.
 */
public final class PersistFailureCounter extends BehaviorInterceptor<Object, Object> {

  private final EntityMetrics.Of metrics;

  private PersistFailureCounter(EntityMetrics.Of metrics) {
    super(Object.class);
    this.metrics = metrics;
  }

  /** The entity behavior, counting its failures; messages of every type (journal replies included) pass through. */
  @SuppressWarnings("unchecked")
  public static <C> Behavior<C> counting(EntityMetrics.Of metrics, Behavior<C> entity) {
    Behavior<Object> intercepted =
        Behaviors.intercept(() -> new PersistFailureCounter(metrics), (Behavior<Object>) (Behavior<?>) entity);
    return (Behavior<C>) (Behavior<?>) intercepted;
  }

  /**
   * Starts sharding for an event-sourced entity type whose entities are counted as {@link #counting} does:
   * {@code entity} makes one from its persistence id (the type's name and the entity id) and the type's metrics.
   */
  public static <C> void initSharding(
      ActorSystem<?> system, EntityTypeKey<C> type, BiFunction<PersistenceId, EntityMetrics.Of, Behavior<C>> entity) {
    EntityMetrics.Of metrics = NodeMetrics.get(system).entities().of(type.name());
    ClusterSharding.get(system)
        .init(
            Entity.of(
                type,
                ctx -> counting(metrics, entity.apply(PersistenceId.of(type.name(), ctx.getEntityId()), metrics))));
  }

  @Override
  public Behavior<Object> aroundReceive(TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
    try {
      Behavior<Object> next = target.apply(ctx, msg);
      if (!Behavior.isAlive(next)) {
        metrics.failed();
      }
      return next;
    } catch (RuntimeException e) {
      metrics.failed();
      throw e;
    }
  }

  @Override
  public Behavior<Object> aroundSignal(TypedActorContext<Object> ctx, Signal signal, SignalTarget<Object> target) {
    try {
      return target.apply(ctx, signal);
    } catch (RuntimeException e) {
      metrics.failed();
      throw e;
    }
  }
}
