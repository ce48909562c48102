package dev.flowagg.node.aggregate;

import dev.flowagg.node.CborSerializable;
import dev.flowagg.node.metrics.EntityMetrics;
import dev.flowagg.node.metrics.PersistFailureCounter;
import dev.flowagg.node.settings.NodeSettings.AggregateSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
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

  /** List the hour's tuples from position {@code from} on, as many as fit one message. */
  public record ListTuples(int from, ActorRef<Tuples> replyTo) implements Command {}

  /** The answer to {@link Register}. */
  public record Registered() implements CborSerializable {}

  /** The answer to {@link ListTuples}: a page of tuples and where the next page starts, -1 after the last. */
  public record Tuples(List<FlowKey> keys, int next) implements CborSerializable {}

  /** The one event: tuples seen for the first time in this hour. */
  public record TuplesAdded(List<FlowKey> keys) implements CborSerializable {}

  /** The stored form of the state. */
  public record Snapshot(List<FlowKey> keys) implements CborSerializable {}

  public static String entityId(long hour) {
    return Long.toString(hour);
  }

  public static void initSharding(ActorSystem<?> system, AggregateSettings settings) {
    PersistFailureCounter.initSharding(
        system, TYPE_KEY, (persistenceId, metrics) -> new HourIndex(persistenceId, settings, metrics));
  }

  private final AggregateSettings settings;
  private final EntityMetrics.Of metrics;

  HourIndex(PersistenceId persistenceId, AggregateSettings settings, EntityMetrics.Of metrics) {
    super(persistenceId);
    this.settings = settings;
    this.metrics = metrics;
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
                    if (fresh.isEmpty()) {
                      yield Effect().reply(r.replyTo(), new Registered());
                    }
                    long started = System.nanoTime();
                    yield Effect()
                        .persist(new TuplesAdded(fresh))
                        .thenRun(s -> metrics.persisted(started))
                        .thenReply(r.replyTo(), s -> new Registered());
                  }
                  case ListTuples l -> Effect().reply(l.replyTo(), state.page(l.from()));
                });
  }

  @Override
  public EventHandler<State, TuplesAdded> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent(
            (state, event) -> {
              state.add(event.keys());
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
        return new Snapshot(List.copyOf(state.order));
      }

      @Override
      public State fromJournal(Object from) {
        State state = new State();
        state.add(((Snapshot) from).keys());
        return state;
      }
    };
  }

  /** The tuples of the hour, in the order they arrived. Mutable, never leaves the entity. */
  public static final class State {
    private final HashSet<FlowKey> keys = new HashSet<>();
    private final List<FlowKey> order = new ArrayList<>();

    void add(List<FlowKey> fresh) {
      for (FlowKey k : fresh) {
        if (keys.add(k)) {
          order.add(k);
        }
      }
    }

    /** Tuples from position {@code from}, as many as fit one remote message. */
    Tuples page(int from) {
      List<FlowKey> page = new ArrayList<>();
      int bytes = 0;
      int i = Math.max(0, from);
      for (; i < order.size(); i++) {
        int size = MessageSize.estimate(order.get(i));
        if (!page.isEmpty() && bytes + size > MessageSize.MAX_TUPLE_BYTES) {
          break;
        }
        page.add(order.get(i));
        bytes += size;
      }
      return new Tuples(page, i < order.size() ? i : -1);
    }

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
