package dev.flowagg.node.aggregate;

import dev.flowagg.node.CborSerializable;
import dev.flowagg.node.metrics.EntityMetrics;
import dev.flowagg.node.metrics.PersistFailureCounter;
import dev.flowagg.node.settings.NodeSettings.AggregateSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The sharded, event-sourced entity that owns one flow tuple's byte totals, per hour.
 *
 * <p>A write to several tuples is all-or-nothing: the writer first {@link Reserve}s room on every entity (nothing is
 * persisted, the entity only promises the counters won't overflow), then {@link Commit}s. A commit carries its deltas
 * and a write id; an entity remembers recent write ids, so a retried commit is applied once.
 */
public final class FlowAggregate
    extends EventSourcedBehavior<FlowAggregate.Command, FlowAggregate.Event, FlowAggregate.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "FlowAggregate");

  /** What an entity is asked to do. */
  public sealed interface Command extends CborSerializable {}

  /** Hold room for these deltas until the matching {@link Commit} or {@link Release}; persists nothing. */
  public record Reserve(FlowKey key, String writeId, List<HourDelta> deltas, ActorRef<WriteReply> replyTo)
      implements Command {}

  /** Add these deltas durably, once per write id; replies after the event is stored. */
  public record Commit(FlowKey key, String writeId, List<HourDelta> deltas, ActorRef<WriteReply> replyTo)
      implements Command {}

  /** Drop the reservation of a write that will not commit. */
  public record Release(String writeId) implements Command {}

  /** The tuple's totals for one hour. */
  public record GetHour(long hour, ActorRef<HourTotals> replyTo) implements Command {}

  /** The answer to {@link Reserve} and {@link Commit}. */
  public sealed interface WriteReply extends CborSerializable {}

  /** Reserved, or committed (also when the write id was already applied). */
  public record Done() implements WriteReply {}

  /** The deltas would take a counter past 2^63-1; nothing changed. */
  public record Overflow(long hour, String field) implements WriteReply {}

  /** What an entity stores. */
  public sealed interface Event extends CborSerializable {}

  /** The first event of every entity: which tuple it aggregates (its id is only a digest). */
  public record Created(FlowKey key) implements Event {}

  /** Bytes added by one write. */
  public record DeltasAdded(String writeId, List<HourDelta> deltas) implements Event {}

  /** The stored form of the state. */
  public record Snapshot(FlowKey key, List<HourDelta> totals, List<String> recentWrites) implements CborSerializable {}

  public static void initSharding(ActorSystem<?> system, AggregateSettings settings) {
    PersistFailureCounter.initSharding(
        system,
        TYPE_KEY,
        (persistenceId, metrics) -> Behaviors.setup(actor -> new FlowAggregate(persistenceId, settings, metrics)));
  }

  private final AggregateSettings settings;
  private final EntityMetrics.Of metrics;

  FlowAggregate(PersistenceId persistenceId, AggregateSettings settings, EntityMetrics.Of metrics) {
    super(persistenceId);
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public State emptyState() {
    return new State(settings.rememberedWrites());
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onAnyCommand(this::onCommand);
  }

  private Effect<Event, State> onCommand(State state, Command command) {
    state.expireReservations(System.nanoTime());
    return switch (command) {
      case Reserve r -> {
        if (state.recentWrites.contains(r.writeId())) {
          yield Effect().reply(r.replyTo(), new Done());
        }
        Overflow overflow = state.overflowOf(r.deltas(), r.writeId());
        if (overflow != null) {
          yield Effect().reply(r.replyTo(), overflow);
        }
        state.reservations.put(
            r.writeId(), new Reservation(r.deltas(), System.nanoTime() + settings.reservationTimeout().toNanos()));
        yield Effect().reply(r.replyTo(), new Done());
      }
      case Commit c -> {
        state.reservations.remove(c.writeId());
        if (state.recentWrites.contains(c.writeId())) {
          yield Effect().reply(c.replyTo(), new Done());
        }
        Overflow overflow = state.overflowOf(c.deltas(), c.writeId());
        if (overflow != null) {
          yield Effect().reply(c.replyTo(), overflow);
        }
        List<Event> events = new ArrayList<>(2);
        if (state.key == null) {
          events.add(new Created(c.key()));
        }
        events.add(new DeltasAdded(c.writeId(), c.deltas()));
        long started = System.nanoTime();
        yield Effect()
            .persist(events)
            .thenRun(s -> metrics.persisted(started))
            .thenReply(c.replyTo(), s -> new Done());
      }
      case Release r -> {
        state.reservations.remove(r.writeId());
        yield Effect().none();
      }
      case GetHour g -> Effect().reply(g.replyTo(), state.totalsOf(g.hour()));
    };
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
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
        return state.toSnapshot();
      }

      @Override
      public State fromJournal(Object from) {
        return State.fromSnapshot((Snapshot) from, settings.rememberedWrites());
      }
    };
  }

  /** Room held for a write between reserve and commit. */
  record Reservation(List<HourDelta> deltas, long expiresAtNanos) {}

  /**
   * The entity's state. Mutable, and it never leaves the entity: snapshots are copies made by {@link #toSnapshot()}.
   */
  public static final class State {
    FlowKey key;
    private final Map<Long, long[]> hours = new HashMap<>();
    private final LinkedHashSet<String> recentWrites = new LinkedHashSet<>();
    private final Map<String, Reservation> reservations = new HashMap<>();
    private final int rememberedWrites;

    State(int rememberedWrites) {
      this.rememberedWrites = rememberedWrites;
    }

    State apply(Event event) {
      switch (event) {
        case Created c -> key = c.key();
        case DeltasAdded d -> {
          for (HourDelta delta : d.deltas()) {
            long[] t = hours.computeIfAbsent(delta.hour(), h -> new long[2]);
            t[0] += delta.bytesTx();
            t[1] += delta.bytesRx();
          }
          remember(d.writeId());
        }
      }
      return this;
    }

    private void remember(String writeId) {
      recentWrites.add(writeId);
      if (recentWrites.size() > rememberedWrites) {
        recentWrites.removeFirst();
      }
    }

    HourTotals totalsOf(long hour) {
      long[] t = hours.get(hour);
      return t == null ? new HourTotals(key, hour, false, 0, 0) : new HourTotals(key, hour, true, t[0], t[1]);
    }

    /** The first counter these deltas would overflow, counting every other write's reservation; null if none. */
    Overflow overflowOf(List<HourDelta> deltas, String exceptWriteId) {
      for (HourDelta d : deltas) {
        long[] t = hours.get(d.hour());
        long tx = t == null ? 0 : t[0];
        long rx = t == null ? 0 : t[1];
        for (var e : reservations.entrySet()) {
          if (e.getKey().equals(exceptWriteId)) {
            continue;
          }
          for (HourDelta r : e.getValue().deltas()) {
            if (r.hour() == d.hour()) {
              tx = saturatingAdd(tx, r.bytesTx());
              rx = saturatingAdd(rx, r.bytesRx());
            }
          }
        }
        if (d.bytesTx() > Long.MAX_VALUE - tx) {
          return new Overflow(d.hour(), "bytes_tx");
        }
        if (d.bytesRx() > Long.MAX_VALUE - rx) {
          return new Overflow(d.hour(), "bytes_rx");
        }
      }
      return null;
    }

    void expireReservations(long nowNanos) {
      if (!reservations.isEmpty()) {
        reservations.values().removeIf(r -> r.expiresAtNanos() - nowNanos < 0);
      }
    }

    Snapshot toSnapshot() {
      List<HourDelta> totals = new ArrayList<>(hours.size());
      hours.forEach((hour, t) -> totals.add(new HourDelta(hour, t[0], t[1])));
      return new Snapshot(key, totals, List.copyOf(recentWrites));
    }

    static State fromSnapshot(Snapshot s, int rememberedWrites) {
      State state = new State(rememberedWrites);
      state.key = s.key();
      for (HourDelta t : s.totals()) {
        state.hours.put(t.hour(), new long[] {t.bytesTx(), t.bytesRx()});
      }
      s.recentWrites().forEach(state::remember);
      return state;
    }

    private static long saturatingAdd(long a, long b) {
      long r = a + b;
      return r < 0 ? Long.MAX_VALUE : r;
    }
  }
}
