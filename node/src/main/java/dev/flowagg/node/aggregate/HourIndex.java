package dev.flowagg.node.aggregate;

import dev.flowagg.node.CborSerializable;
import dev.flowagg.node.settings.NodeSettings.AggregateSettings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The sharded, event-sourced list of flow tuples active in one hour, so that reading an hour asks only those
 * tuples' entities. Writers register tuples here before they commit bytes, so the index is never behind the data.
 */
public final class HourIndex
    extends EventSourcedBehavior<HourIndex.Command, HourIndex.TuplesAdded, HourIndex.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "HourIndex");

  /** What an hour index is asked to do. */
  public sealed interface Command extends CborSerializable {}

  /** Add these tuples (those already listed are ignored); replies once they are stored. */
  public record Register(List<FlowKey> keys, ActorRef<Registered> replyTo) implements Command {}

  /** List every tuple of the hour. */
  public record ListTuples(ActorRef<Tuples> replyTo) implements Command {}

  /** The answer to {@link Register}. */
  public record Registered() implements CborSerializable {}

  /** The answer to {@link ListTuples}. */
  public record Tuples(List<FlowKey> keys) implements CborSerializable {}

  /** The one event: tuples seen for the first time in this hour. */
  public record TuplesAdded(List<FlowKey> keys) implements CborSerializable {}

  /** The stored form of the state. */
  public record Snapshot(List<FlowKey> keys) implements CborSerializable {}

  public static String entityId(long hour) {
    return Long.toString(hour);
  }

  public static void initSharding(ActorSystem<?> system, AggregateSettings settings) {
    ClusterSharding.get(system)
        .init(Entity.of(TYPE_KEY, ctx -> new HourIndex(PersistenceId.of(TYPE_KEY.name(), ctx.getEntityId()), settings)));
  }

  private final AggregateSettings settings;

  HourIndex(PersistenceId persistenceId, AggregateSettings settings) {
    super(persistenceId);
    this.settings = settings;
  }

  @Override
  public State emptyState() {
    return new State();
  }

  @Override
  public CommandHandler<Command, TuplesAdded, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onAnyCommand(
            (state, command) ->
                switch (command) {
                  case Register r -> {
                    List<FlowKey> fresh = state.unknownOf(r.keys());
                    yield fresh.isEmpty()
                        ? Effect().reply(r.replyTo(), new Registered())
                        : Effect().persist(new TuplesAdded(fresh)).thenReply(r.replyTo(), s -> new Registered());
                  }
                  case ListTuples l -> Effect().reply(l.replyTo(), new Tuples(List.copyOf(state.keys)));
                });
  }

  @Override
  public EventHandler<State, TuplesAdded> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent(
            (state, event) -> {
              state.keys.addAll(event.keys());
              return state;
            });
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return new Snapshot(List.copyOf(state.keys));
      }

      @Override
      public State fromJournal(Object from) {
        State state = new State();
        state.keys.addAll(((Snapshot) from).keys());
        return state;
      }
    };
  }

  /** The tuples of the hour. Mutable, never leaves the entity. */
  public static final class State {
    private final LinkedHashSet<FlowKey> keys = new LinkedHashSet<>();

    List<FlowKey> unknownOf(List<FlowKey> candidates) {
      List<FlowKey> fresh = new ArrayList<>();
      for (FlowKey k : candidates) {
        if (!keys.contains(k)) {
          fresh.add(k);
        }
      }
      return fresh;
    }
  }
}
