package dev.flowagg.node.aggregate;

import dev.flowagg.node.metrics.EntityMetrics;
import dev.flowagg.node.metrics.PersistFailureCounter;
import dev.flowagg.node.settings.NodeSettings.AggregateSettings;
import dev.flowagg.node.settings.RetentionSettings;
import dev.flowagg.node.storage.FlowTables;
import dev.flowagg.node.storage.SliceUpdate;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;

/**
 * The sharded, event-sourced owner of one slice of the flow tuples: every tuple belongs to exactly one of
 * {@link #SLICES} slices ({@link FlowKey#slice()}), and its slice alone adds to its totals.
 *
 * <p>A slice takes writes, each a {@link DeltaBlock} under a {@link WriteId}. Writes that arrive while the slice is
 * storing are gathered and stored together as one event (group commit): the event names the writes it applied (so a
 * retry is recognised and counted once), the tuples it saw for the first time, and its rows merged per tuple and
 * hour. Once the event is in the journal, the slice adds its rows to the read model's tables (see
 * {@link FlowTables}) in one transaction that also records the event's sequence number, and only then answers: an
 * answered write is both durable and visible to queries. Should the tables miss an event (the node died between the
 * two), the slice stores it when it recovers, before it takes another write.
 *
 * <p>A write to several slices is all or nothing: the writer first {@link Reserve}s room on every slice (nothing is
 * stored; the slice only promises no total will overflow), then writes.
 */
public final class FlowSlice
    extends EventSourcedBehavior<FlowSlice.Command, FlowSlice.Event, FlowSlice.State> {

  /** How many slices the tuples are spread over. Stored data depends on it: it must never change. */
  public static final int SLICES = 64;

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "FlowSlice");

  private static final long MAX = Long.MAX_VALUE;
  /** A writer that sent nothing for this long is forgotten (its deliveries cannot come again). */
  private static final long WRITER_MEMORY_MILLIS = Duration.ofDays(7).toMillis();

  /** What a slice is asked to do. */
  public sealed interface Command extends SliceMessage {}

  /**
   * Add these deltas once per id; answers once they are stored and visible. With {@code eachRow}, a row that would
   * overflow is left out (and counted) and the others stored; else the whole write is refused.
   */
  public record Write(WriteId id, DeltaBlock deltas, boolean eachRow, ActorRef<WriteReply> replyTo)
      implements Command {}

  /** Hold room for these deltas until the matching {@link Write} or {@link Release}; stores nothing. */
  public record Reserve(WriteId.Unique id, DeltaBlock deltas, ActorRef<WriteReply> replyTo) implements Command {}

  /** Drop the reservation of a write that will not be written. */
  public record Release(WriteId.Unique id) implements Command {}

  /** Sum ended days into the daily table and forget quiet tuples; sent now and then by every node. */
  public record Maintain() implements Command {}

  /** Store what the writes gathered so far; the slice sends it to itself. */
  private record Flush() implements Command {}

  /** The answer to {@link Write} and {@link Reserve}. */
  public sealed interface WriteReply extends SliceMessage {}

  /** Stored (or reserved); {@code rowsRefused} rows would have overflowed, {@code rowsExpired} were past retention. */
  public record Done(int rowsRefused, int rowsExpired) implements WriteReply {}

  /** A total would pass 2^63-1; nothing of the write was stored. */
  public record Overflow(FlowKey key, long hour, String field) implements WriteReply {}

  /** The slice could not store the write (database unavailable): unknown whether it is stored, retry it. */
  public record Failed(String reason) implements WriteReply {}

  /** What a slice stores. */
  public sealed interface Event extends SliceMessage {}

  /**
   * Writes applied together: their ids, the tuples named for the first time (numbered from {@code firstNew} on), and
   * the rows, one per tuple (by number) and hour.
   */
  public record Applied(
      long atMillis, List<WriteId> writes, int firstNew, List<FlowKey> named, int[] rowTuple, long[] rowHour,
      long[] rowTx, long[] rowRx) implements Event {

    int rows() {
      return rowTuple.length;
    }
  }

  /** What a slice needs from its node. */
  public record Environment(
      FlowTables tables, AggregateSettings aggregate, RetentionSettings retention, InstantSource clock) {}

  public static void initSharding(ActorSystem<?> system, Environment env) {
    EntityMetrics.Of metrics = dev.flowagg.node.metrics.NodeMetrics.get(system).entities().of(TYPE_KEY.name());
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    TYPE_KEY,
                    ctx ->
                        PersistFailureCounter.counting(
                            metrics,
                            Behaviors.<Command>setup(
                                actor ->
                                    new FlowSlice(
                                        actor, PersistenceId.of(TYPE_KEY.name(), ctx.getEntityId()),
                                        Integer.parseInt(ctx.getEntityId()), env, metrics))))
                .withEntityProps(DispatcherSelector.fromConfig("flowagg-slice-dispatcher")));
  }

  public static EntityRef<Command> ref(ClusterSharding sharding, int slice) {
    return sharding.entityRefFor(TYPE_KEY, Integer.toString(slice));
  }

  private final ActorContext<Command> ctx;
  private final int slice;
  private final Environment env;
  private final EntityMetrics.Of metrics;
  private final Logger log;
  private final TupleCache tuples = new TupleCache();
  private final Map<WriteId.Unique, Reservation> reservations = new HashMap<>();
  private List<Write> gathered = new ArrayList<>();
  private boolean flushSent;

  FlowSlice(
      ActorContext<Command> ctx, PersistenceId id, int slice, Environment env, EntityMetrics.Of metrics) {
    super(id);
    this.ctx = ctx;
    this.slice = slice;
    this.env = env;
    this.metrics = metrics;
    this.log = ctx.getLog();
  }

  @Override
  public State emptyState() {
    return new State(env.aggregate().rememberedWrites());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(env.aggregate().snapshotEvery(), 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        long[] writers = new long[state.writers.size() * 3];
        int i = 0;
        for (Map.Entry<Long, long[]> e : state.writers.entrySet()) {
          writers[i++] = e.getKey();
          writers[i++] = e.getValue()[0];
          writers[i++] = e.getValue()[1];
        }
        return new SliceSerializer.Snapshot(state.nextNumber, writers, state.recent.toArray());
      }

      @Override
      public State fromJournal(Object from) {
        SliceSerializer.Snapshot s = (SliceSerializer.Snapshot) from;
        State state = emptyState();
        state.nextNumber = s.nextNumber();
        for (int i = 0; i < s.writers().length; i += 3) {
          state.writers.put(s.writers()[i], new long[] {s.writers()[i + 1], s.writers()[i + 2]});
        }
        for (int i = 0; i < s.recent().length; i += 2) {
          state.recent.add(s.recent()[i], s.recent()[i + 1]);
        }
        return state;
      }
    };
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::onRecovered).build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onAnyCommand(this::onCommand);
  }

  private Effect<Event, State> onCommand(State state, Command command) {
    return switch (command) {
      case Write w -> {
        gathered.add(w);
        if (!flushSent) {
          flushSent = true;
          ctx.getSelf().tell(new Flush());
        }
        yield Effect().none();
      }
      case Flush f -> {
        flushSent = false;
        yield flush(state);
      }
      case Reserve r -> Effect().reply(r.replyTo(), reserve(state, r));
      case Release r -> {
        reservations.remove(r.id());
        yield Effect().none();
      }
      case Maintain m -> {
        maintain(state);
        yield Effect().none();
      }
    };
  }

  // ---- recovery -------------------------------------------------------------------------------------------------

  /** Brings the tables up to the journal (at most one event behind, unless they were lost), then warms the cache. */
  private void onRecovered(State state) {
    long lastSeq = lastSequenceNumber(ctx);
    long now = env.clock().millis();
    try {
      long stored = env.tables().storedSeq(slice, Math.floorDiv(env.retention().firstHour(now), 24));
      if (stored < lastSeq) {
        catchUp(stored, lastSeq);
      }
      loadCache(now);
    } catch (SQLException e) {
      throw new IllegalStateException("flow slice " + slice + " could not read its tables: " + e.getMessage(), e);
    }
  }

  /** Fingerprints every tuple of the slice and remembers those written within the tuple memory. */
  private void loadCache(long now) throws SQLException {
    tuples.clear();
    env.tables().tupleNames(slice, tuples::fingerprint);
    for (FlowTables.KnownTuple t :
        env.tables().recentTuples(slice, RetentionSettings.hourOf(now - env.aggregate().tupleMemory().toMillis()))) {
      tuples.put(t);
    }
  }

  private void catchUp(long stored, long lastSeq) throws SQLException {
    List<SliceJournal.Numbered> missing =
        SliceJournal.events(ctx.getSystem(), persistenceId().id(), stored + 1, lastSeq);
    for (SliceJournal.Numbered n : missing) {
      if (n.seq() != stored + 1) {
        log.error(
            "flow slice {}: the tables hold events up to {}, but the journal no longer has events {} to {}; the "
                + "totals they carried are missing from queries",
            slice, stored, stored + 1, n.seq() - 1);
        env.tables().skipTo(slice, n.seq() - 1);
      }
      storeEvent(n.event(), n.seq(), null);
      stored = n.seq();
    }
    if (stored < lastSeq) {
      log.error("flow slice {}: the journal no longer has events {} to {}; the totals they carried are missing from "
          + "queries", slice, stored + 1, lastSeq);
      env.tables().skipTo(slice, lastSeq);
    }
    log.info("flow slice {}: stored {} journal events the tables missed (up to {})", slice, missing.size(), lastSeq);
  }

  // ---- writes ---------------------------------------------------------------------------------------------------

  /** One delta of a write, with its tuple resolved. */
  private record Row(FlowKey key, long hour, long tx, long rx) {}

  /** The key of a row's total. */
  private record TupleHour(FlowKey key, long hour) {}

  /** A write accepted into the event being built, and whoever waits for it. */
  private static final class Accepted {
    final Write write;
    final List<ActorRef<WriteReply>> alsoTo = new ArrayList<>();
    int refused;

    Accepted(Write write) {
      this.write = write;
    }
  }

  private Effect<Event, State> flush(State state) {
    if (gathered.isEmpty()) {
      return Effect().none();
    }
    List<Write> writes = gathered;
    gathered = new ArrayList<>();
    long now = env.clock().millis();
    expireReservations(now);

    Map<WriteId, Accepted> accepted = new LinkedHashMap<>();
    Map<Accepted, List<Row>> rowsOf = new HashMap<>();
    List<Row> all = new ArrayList<>();
    for (Write w : writes) {
      if (state.applied(w.id())) {
        w.replyTo().tell(new Done(0, 0));
        continue;
      }
      Accepted same = accepted.get(w.id());
      if (same != null) {
        same.alsoTo.add(w.replyTo());
        continue;
      }
      Accepted a = new Accepted(w);
      List<Row> rows = rowsOf(w.deltas());
      accepted.put(w.id(), a);
      rowsOf.put(a, rows);
      all.addAll(rows);
    }
    if (accepted.isEmpty()) {
      return Effect().none();
    }
    Totals totals;
    try {
      totals = resolve(all);
    } catch (SQLException e) {
      String why = "the database did not answer: " + e.getMessage();
      accepted.values().forEach(a -> replyAll(a, new Failed(why)));
      log.warn("flow slice {}: {}", slice, why);
      return Effect().none();
    }

    Map<TupleHour, long[]> sums = new LinkedHashMap<>();
    List<WriteId> ids = new ArrayList<>();
    List<Accepted> included = new ArrayList<>();
    for (Accepted a : accepted.values()) {
      if (a.write.id() instanceof WriteId.Unique u) {
        reservations.remove(u);
      }
      List<Row> rows = merged(rowsOf.get(a));
      List<Row> keep = new ArrayList<>(rows.size());
      Overflow overflow = null;
      for (Row r : rows) {
        Overflow o = overflowOf(r, totals, sums, null);
        if (o == null) {
          keep.add(r);
        } else if (a.write.eachRow()) {
          a.refused++;
        } else {
          overflow = o;
          break;
        }
      }
      if (overflow != null) {
        replyAll(a, overflow);
        continue;
      }
      for (Row r : keep) {
        long[] s = sums.computeIfAbsent(new TupleHour(r.key(), r.hour()), k -> new long[2]);
        s[0] += r.tx();
        s[1] += r.rx();
      }
      ids.add(a.write.id());
      included.add(a);
    }
    if (included.isEmpty()) {
      return Effect().none();
    }

    // Number the tuples seen for the first time, in the order they appear.
    List<FlowKey> named = new ArrayList<>();
    Map<FlowKey, Integer> newNumbers = new HashMap<>();
    int[] rowTuple = new int[sums.size()];
    long[] rowHour = new long[sums.size()];
    long[] rowTx = new long[sums.size()];
    long[] rowRx = new long[sums.size()];
    int i = 0;
    for (Map.Entry<TupleHour, long[]> e : sums.entrySet()) {
      FlowKey key = e.getKey().key();
      TupleCache.Entry known = tuples.get(key);
      int number;
      if (known != null) {
        number = known.local;
      } else {
        Integer n = newNumbers.get(key);
        if (n == null) {
          n = state.nextNumber + named.size();
          newNumbers.put(key, n);
          named.add(key);
        }
        number = n;
      }
      rowTuple[i] = number;
      rowHour[i] = e.getKey().hour();
      rowTx[i] = e.getValue()[0];
      rowRx[i] = e.getValue()[1];
      i++;
    }
    Applied event = new Applied(now, ids, state.nextNumber, named, rowTuple, rowHour, rowTx, rowRx);
    long started = System.nanoTime();
    return Effect()
        .persist(event)
        .thenRun(
            s -> {
              metrics.persisted(started);
              afterPersist(event, included);
            });
  }

  /** Stores the persisted event in the tables and answers its writers; on failure they hear so and retry. */
  private void afterPersist(Applied event, List<Accepted> included) {
    long seq = lastSequenceNumber(ctx);
    int expired;
    try {
      expired = storeEvent(event, seq, tuples);
    } catch (SQLException | RuntimeException e) {
      String why = "the database did not store the write: " + e.getMessage();
      included.forEach(a -> replyAll(a, new Failed(why)));
      // Start again from the journal: recovery stores the event before the slice takes another write.
      throw new IllegalStateException("flow slice " + slice + ": " + why, e);
    }
    for (Accepted a : included) {
      replyAll(a, new Done(a.refused, expired));
    }
  }

  /**
   * Stores one event in the tables, once. With a cache (the normal path) it says which rows are new and which
   * tuples moved to a later hour, and is updated to match; without one (catching up) the tables find out themselves.
   * Returns the rows left out as past the retention.
   */
  private int storeEvent(Applied event, long seq, TupleCache cache) throws SQLException {
    SliceUpdate u = new SliceUpdate(slice, seq);
    Map<Integer, Long> newest = new HashMap<>();
    for (int r = 0; r < event.rows(); r++) {
      newest.merge(event.rowTuple()[r], event.rowHour()[r], Math::max);
    }
    for (int k = 0; k < event.named().size(); k++) {
      FlowKey key = event.named().get(k);
      int number = event.firstNew() + k;
      u.name(FlowTables.tupleId(slice, number), key.srcApp(), key.destApp(), key.vpcId(), newest.get(number));
    }
    Map<Integer, FlowKey> keyOf = new HashMap<>();
    if (cache != null) {
      for (int k = 0; k < event.named().size(); k++) {
        keyOf.put(event.firstNew() + k, event.named().get(k));
      }
    }
    for (int r = 0; r < event.rows(); r++) {
      int number = event.rowTuple()[r];
      boolean isNew = number >= event.firstNew();
      boolean fresh = isNew;
      if (cache != null && !isNew) {
        TupleCache.Entry e = cache.byNumber(number);
        fresh = e != null && event.rowHour()[r] > e.hour;
      }
      u.row(FlowTables.tupleId(slice, number), event.rowHour()[r], event.rowTx()[r], event.rowRx()[r], fresh);
    }
    for (Map.Entry<Integer, Long> n : newest.entrySet()) {
      if (n.getKey() >= event.firstNew()) {
        continue;
      }
      TupleCache.Entry e = cache == null ? null : cache.byNumber(n.getKey());
      if (e == null || n.getValue() > e.hour) {
        u.bump(FlowTables.tupleId(slice, n.getKey()), n.getValue());
      }
    }
    long now = env.clock().millis();
    int expired;
    long started = System.nanoTime();
    try {
      expired = env.tables().apply(u, env.retention().firstHour(now));
    } catch (FlowTables.AlreadyApplied repeat) {
      log.debug("flow slice {}: {}", slice, repeat.getMessage());
      if (cache != null) {
        loadCache(env.clock().millis());
      }
      return 0;
    } catch (FlowTables.Behind behind) {
      catchUp(behind.stored, seq - 1);
      return storeEvent(event, seq, cache);
    }
    metrics.stored(event.rows(), started);
    if (cache != null) {
      for (int k = 0; k < event.named().size(); k++) {
        FlowKey key = event.named().get(k);
        cache.add(key, event.firstNew() + k, Long.MIN_VALUE);
        cache.fingerprint(key.srcApp(), key.destApp(), key.vpcId());
      }
      for (int r = 0; r < event.rows(); r++) {
        TupleCache.Entry e = cache.byNumber(event.rowTuple()[r]);
        if (e == null) {
          continue;
        }
        long hour = event.rowHour()[r];
        if (hour > e.hour) {
          e.hour = hour;
          e.tx = event.rowTx()[r];
          e.rx = event.rowRx()[r];
        } else if (hour == e.hour) {
          e.tx += event.rowTx()[r];
          e.rx += event.rowRx()[r];
        }
      }
    }
    return expired;
  }

  private static void replyAll(Accepted a, WriteReply reply) {
    a.write.replyTo().tell(reply);
    a.alsoTo.forEach(r -> r.tell(reply));
  }

  private static List<Row> rowsOf(DeltaBlock deltas) {
    List<Row> rows = new ArrayList<>(deltas.count());
    deltas.forEach((src, dst, vpc, hour, tx, rx) -> rows.add(new Row(new FlowKey(src, dst, vpc), hour, tx, rx)));
    return rows;
  }

  /** Rows of one write summed per tuple and hour (saturating: the sum itself may be what overflows). */
  private static List<Row> merged(List<Row> rows) {
    Map<TupleHour, long[]> sums = new LinkedHashMap<>();
    for (Row r : rows) {
      long[] s = sums.computeIfAbsent(new TupleHour(r.key(), r.hour()), k -> new long[2]);
      s[0] = saturatingAdd(s[0], r.tx());
      s[1] = saturatingAdd(s[1], r.rx());
    }
    if (sums.size() == rows.size()) {
      return rows;
    }
    List<Row> out = new ArrayList<>(sums.size());
    sums.forEach((k, s) -> out.add(new Row(k.key(), k.hour(), s[0], s[1])));
    return out;
  }

  // ---- totals and overflow ----------------------------------------------------------------------------------------

  /** Exact stored totals of the rows' tuples and hours, as far as the rows need them. */
  private final class Totals {
    private final Map<TupleHour, long[]> late = new HashMap<>();

    long[] of(FlowKey key, long hour) {
      TupleCache.Entry e = tuples.get(key);
      if (e == null || hour > e.hour) {
        return ZERO;
      }
      if (hour == e.hour) {
        return new long[] {e.tx, e.rx};
      }
      return late.getOrDefault(new TupleHour(key, hour), ZERO);
    }
  }

  private static final long[] ZERO = {0, 0};

  /**
   * Looks up what the cache lacks: tuples not in memory (by name), and the totals of rows for hours before a tuple's
   * newest (late data). Blocks; the slice runs on its own dispatcher.
   */
  private Totals resolve(List<Row> rows) throws SQLException {
    List<String[]> unknown = new ArrayList<>();
    java.util.Set<FlowKey> asked = new java.util.HashSet<>();
    for (Row r : rows) {
      // A tuple the slice never numbered is new: nothing to look up.
      if (tuples.get(r.key()) == null && tuples.mayKnow(r.key()) && asked.add(r.key())) {
        unknown.add(new String[] {r.key().srcApp(), r.key().destApp(), r.key().vpcId()});
      }
    }
    if (!unknown.isEmpty()) {
      for (FlowTables.KnownTuple t : env.tables().findTuples(unknown)) {
        tuples.put(t);
      }
    }
    Totals totals = new Totals();
    List<TupleHour> late = new ArrayList<>();
    java.util.Set<TupleHour> lateSeen = new java.util.HashSet<>();
    for (Row r : rows) {
      TupleCache.Entry e = tuples.get(r.key());
      TupleHour th = new TupleHour(r.key(), r.hour());
      if (e != null && r.hour() < e.hour && lateSeen.add(th)) {
        late.add(th);
      }
    }
    if (!late.isEmpty()) {
      long[] ids = new long[late.size()];
      long[] hours = new long[late.size()];
      for (int k = 0; k < late.size(); k++) {
        ids[k] = FlowTables.tupleId(slice, tuples.get(late.get(k).key()).local);
        hours[k] = late.get(k).hour();
      }
      env.tables().totals(ids, hours).forEach((k, t) -> totals.late.put(late.get(k), t));
    }
    return totals;
  }

  /** The first counter this row would take past 2^63-1, counting what is stored, pending and reserved; or null. */
  private Overflow overflowOf(Row r, Totals totals, Map<TupleHour, long[]> pending, WriteId.Unique except) {
    TupleHour th = new TupleHour(r.key(), r.hour());
    long[] stored = totals.of(r.key(), r.hour());
    long tx = stored[0];
    long rx = stored[1];
    long[] p = pending.get(th);
    if (p != null) {
      tx = saturatingAdd(tx, p[0]);
      rx = saturatingAdd(rx, p[1]);
    }
    for (Map.Entry<WriteId.Unique, Reservation> e : reservations.entrySet()) {
      if (e.getKey().equals(except)) {
        continue;
      }
      long[] held = e.getValue().sums.get(th);
      if (held != null) {
        tx = saturatingAdd(tx, held[0]);
        rx = saturatingAdd(rx, held[1]);
      }
    }
    if (r.tx() > MAX - tx) {
      return new Overflow(r.key(), r.hour(), "bytes_tx");
    }
    if (r.rx() > MAX - rx) {
      return new Overflow(r.key(), r.hour(), "bytes_rx");
    }
    return null;
  }

  /** Room held for a write between reserve and write. */
  private record Reservation(Map<TupleHour, long[]> sums, long expiresAtMillis) {}

  private WriteReply reserve(State state, Reserve r) {
    if (state.applied(r.id())) {
      return new Done(0, 0);
    }
    expireReservations(env.clock().millis());
    List<Row> rows = merged(rowsOf(r.deltas()));
    Totals totals;
    try {
      totals = resolve(rows);
    } catch (SQLException e) {
      return new Failed("the database did not answer: " + e.getMessage());
    }
    Map<TupleHour, long[]> pending = new HashMap<>();
    for (Write w : gathered) {
      for (Row g : rowsOf(w.deltas())) {
        long[] s = pending.computeIfAbsent(new TupleHour(g.key(), g.hour()), k -> new long[2]);
        s[0] = saturatingAdd(s[0], g.tx());
        s[1] = saturatingAdd(s[1], g.rx());
      }
    }
    Map<TupleHour, long[]> sums = new HashMap<>();
    for (Row row : rows) {
      Overflow o = overflowOf(row, totals, pending, r.id());
      if (o != null) {
        return o;
      }
      sums.put(new TupleHour(row.key(), row.hour()), new long[] {row.tx(), row.rx()});
    }
    reservations.put(
        r.id(), new Reservation(sums, env.clock().millis() + env.aggregate().reservationTimeout().toMillis()));
    return new Done(0, 0);
  }

  private void expireReservations(long now) {
    if (!reservations.isEmpty()) {
      reservations.values().removeIf(r -> r.expiresAtMillis() < now);
    }
  }

  // ---- upkeep -------------------------------------------------------------------------------------------------------

  /** Rolls up every day that ended over an hour ago, in order; forgets tuples quiet for longer than the memory. */
  private void maintain(State state) {
    long now = env.clock().millis();
    long lastEnded = Math.floorDiv(RetentionSettings.hourOf(now) - 1, 24) - 1;
    try {
      env.tables().rollUpThrough(slice, lastEnded, lastSequenceNumber(ctx));
    } catch (SQLException e) {
      log.warn("flow slice {}: rolling up days failed (will try again): {}", slice, e.getMessage());
    }
    tuples.forgetBefore(RetentionSettings.hourOf(now - env.aggregate().tupleMemory().toMillis()));
  }

  static long saturatingAdd(long a, long b) {
    long r = a + b;
    return r < 0 ? MAX : r;
  }

  /**
   * A slice's event-sourced state: what it needs to recognise a repeated write, and how it numbers tuples. Mutable,
   * and it never leaves the entity: snapshots are encoded from it by {@link SliceSerializer}.
   */
  public static final class State {
    /** Per sequenced writer: {@code [highest seq applied, time of its last write]}. */
    final Map<Long, long[]> writers = new HashMap<>();
    final RecentWrites recent;
    int nextNumber;

    State(int rememberedWrites) {
      this.recent = new RecentWrites(rememberedWrites);
    }

    boolean applied(WriteId id) {
      return switch (id) {
        case WriteId.Sequenced s -> {
          long[] w = writers.get(s.writer());
          yield w != null && w[0] >= s.seq();
        }
        case WriteId.Unique u -> recent.contains(u.high(), u.low());
      };
    }

    State apply(Event event) {
      switch (event) {
        case Applied a -> {
          for (WriteId id : a.writes()) {
            switch (id) {
              case WriteId.Sequenced s -> {
                long[] w = writers.computeIfAbsent(s.writer(), k -> new long[2]);
                w[0] = Math.max(w[0], s.seq());
                w[1] = a.atMillis();
              }
              case WriteId.Unique u -> recent.add(u.high(), u.low());
            }
          }
          nextNumber = Math.max(nextNumber, a.firstNew() + a.named().size());
          writers.values().removeIf(w -> a.atMillis() - w[1] > WRITER_MEMORY_MILLIS);
        }
      }
      return this;
    }
  }
}
