package dev.flowagg.node.ingest;

import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.nativeagg.FlowKernel;
import dev.flowagg.node.aggregate.FlowWriter;
import dev.flowagg.node.aggregate.WriteBatch;
import dev.flowagg.node.logging.BadInputLog;
import dev.flowagg.node.settings.IngestSettings;
import dev.flowagg.node.templates.SharedTemplate;
import dev.flowagg.node.templates.TemplateKey;
import dev.flowagg.node.templates.TemplateLearner;
import dev.flowagg.node.templates.TemplateReplication;
import dev.flowagg.node.templates.TemplateStore;
import dev.flowagg.protocol.flow.FlowRecord;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.DecodeError;
import dev.flowagg.protocol.netflow.ExporterStats;
import dev.flowagg.protocol.netflow.TemplateRecords;
import dev.flowagg.protocol.netflow.TemplateRecords.TemplateRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Decodes, classifies and pre-aggregates received datagrams with a {@link FlowKernel}, and delivers the deltas per
 * {@code (tuple, hour)} to the flow entities every flush interval (or sooner when the table is full).
 *
 * <p>Each delivery carries a write id the entities remember, so a delivery that timed out is retried until it
 * succeeds and still counts once. At most a few deliveries run at once; past that the table keeps growing up to its
 * bound, and past that received batches are dropped and counted — memory stays bounded when the entities are slow.
 *
 * <p>Templates in received datagrams are shared with the cluster (a child {@link TemplateReplication}); templates
 * other nodes shared, or the database kept, come back as {@link ReplayTemplates} and are fed to the kernel.
 */
public final class IngestActor extends AbstractBehavior<IngestActor.Command> {

  /** What the ingest actor handles. */
  public sealed interface Command {}

  /** A batch of datagrams from the receiver; the actor gives it back to the pool. */
  public record Received(DatagramBatch batch) implements Command {}

  /** Deliver everything pending now, whatever the in-flight limit, and answer once all deliveries are done. */
  public record Drain(ActorRef<Drained> replyTo) implements Command {}

  /** The answer to {@link Drain}: nothing is pending or in flight; how many entries the drain delivered. */
  public record Drained(long entriesDelivered) {}

  /** Templates other nodes learned (or the database kept), to be given to the kernel as their exporters sent them. */
  public record ReplayTemplates(Map<TemplateKey, SharedTemplate> templates) implements Command {}

  private record FlushTick() implements Command {}

  private record HousekeepingTick() implements Command {}

  private record Delivered(Delivery delivery, FlowWriter.Outcome outcome, Throwable failure) implements Command {}

  private record Retry(Delivery delivery) implements Command {}

  /** One flush's deltas, with the write id that makes its retries safe. */
  private record Delivery(String writeId, WriteBatch batch, int entries, int attempt) {
    Delivery nextAttempt() {
      return new Delivery(writeId, batch, entries, attempt + 1);
    }
  }

  public static Behavior<Command> create(
      FlowKernel kernel, BatchPool pool, FlowWriter writer, IngestSettings settings, IngestCounters counters,
      TemplateStore templateStore) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new IngestActor(ctx, timers, kernel, pool, writer, settings, counters, templateStore)));
  }

  private final FlowKernel kernel;
  private final BatchPool pool;
  private final FlowWriter writer;
  private final IngestSettings settings;
  private final IngestCounters counters;
  private final TimerScheduler<Command> timers;
  private final String writeIdPrefix = "netflow-" + UUID.randomUUID() + "-";
  private final Map<String, Long> errorsLogged = new HashMap<>();
  private final TemplateLearner learner;
  private final TemplateStore templateStore;
  private final ActorRef<TemplateReplication.Command> templates;
  /** Where replayed templates are put for the kernel; made on first use. */
  private DatagramBatch replayBatch;
  private long nextWrite;
  private int inFlight;
  private ActorRef<Drained> drainedTo;
  private long deliveredBeforeDrain;

  private IngestActor(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, FlowKernel kernel, BatchPool pool,
      FlowWriter writer, IngestSettings settings, IngestCounters counters, TemplateStore templateStore) {
    super(ctx);
    // Named after this class: the name found by default, from the call stack, is Pekko's ActorCell.
    ctx.setLoggerName(IngestActor.class);
    this.timers = timers;
    this.kernel = kernel;
    this.pool = pool;
    this.writer = writer;
    this.settings = settings;
    this.counters = counters;
    timers.startTimerWithFixedDelay(new FlushTick(), settings.flushInterval());
    timers.startTimerWithFixedDelay(new HousekeepingTick(), settings.logInterval());
    this.learner = new TemplateLearner(settings.templateLifetime());
    this.templateStore = templateStore;
    ActorRef<Command> self = ctx.getSelf();
    this.templates =
        ctx.spawn(
            TemplateReplication.create(
                t -> self.tell(new ReplayTemplates(t)), templateStore, settings.templateLifetime(), counters),
            "templates");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Received.class, this::onReceived)
        .onMessage(ReplayTemplates.class, this::onReplayTemplates)
        .onMessage(FlushTick.class, t -> flush())
        .onMessage(HousekeepingTick.class, t -> housekeeping())
        .onMessage(Delivered.class, this::onDelivered)
        .onMessage(Retry.class, r -> send(r.delivery()))
        .onMessage(Drain.class, this::onDrain)
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, s -> stopped())
        .build();
  }

  private Behavior<Command> onReceived(Received r) {
    DatagramBatch batch = r.batch();
    try {
      if (kernel.pendingEntries() >= settings.flushMaxEntries()) {
        flush();
      }
      if (kernel.pendingEntries() >= settings.flushMaxEntries()) {
        counters.datagramsDroppedBusy.addAndGet(batch.count());
      } else {
        counters.flows.addAndGet(kernel.process(batch));
        Map<TemplateKey, SharedTemplate> fresh = learner.learn(batch);
        if (!fresh.isEmpty()) {
          counters.templatesShared.addAndGet(fresh.size());
          templates.tell(new TemplateReplication.Learned(fresh));
        }
      }
    } finally {
      pool.release(batch);
    }
    counters.pendingEntries.set(kernel.pendingEntries());
    return this;
  }

  private Behavior<Command> onDrain(Drain d) {
    getContext().getLog().info(
        "shutdown: delivering {} pending NetFlow entries ({} deliveries in flight)", kernel.pendingEntries(), inFlight);
    drainedTo = d.replyTo();
    deliveredBeforeDrain = counters.entriesDelivered.get();
    flush();
    return answerIfDrained();
  }

  private Behavior<Command> answerIfDrained() {
    if (drainedTo != null && inFlight == 0 && kernel.pendingEntries() == 0) {
      drainedTo.tell(new Drained(counters.entriesDelivered.get() - deliveredBeforeDrain));
      drainedTo = null;
    }
    return this;
  }

  /**
   * Gives the kernel each template as a template-only datagram from its exporter, received when the exporter last
   * sent it (so it expires when it would have on the node that heard it); data waiting for it is decoded now.
   */
  private Behavior<Command> onReplayTemplates(ReplayTemplates r) {
    record Scope(String exporter, int version, long domainId, long lastSeenMillis) {}
    Map<Scope, List<TemplateRecord>> byScope = new LinkedHashMap<>();
    Map<Scope, Map<Integer, byte[]>> optionsData = new HashMap<>();
    r.templates().forEach(
        (k, t) -> {
          Scope scope = new Scope(k.exporter(), k.version(), k.domainId(), t.lastSeenMillis());
          byScope.computeIfAbsent(scope, x -> new ArrayList<>()).add(t.toRecord(k));
          if (t.hasOptionsData()) {
            optionsData.computeIfAbsent(scope, x -> new HashMap<>()).put(k.templateId(), t.optionsData());
          }
        });
    if (replayBatch == null) {
      replayBatch = new DatagramBatch(64, 1 << 20);
    }
    byScope.forEach(
        (s, records) -> {
          IpAddress exporter = IpAddress.parse(s.exporter());
          for (byte[] d : TemplateRecords.datagrams(
              s.version(), s.domainId(), s.lastSeenMillis() / 1000, records, optionsData.getOrDefault(s, Map.of()))) {
            if (!replayBatch.add(d, 0, d.length, exporter, s.lastSeenMillis())) {
              processReplays();
              replayBatch.add(d, 0, d.length, exporter, s.lastSeenMillis());
            }
          }
        });
    processReplays();
    r.templates().forEach(learner::replayed);
    counters.templatesReplayed.addAndGet(r.templates().size());
    counters.pendingEntries.set(kernel.pendingEntries());
    return this;
  }

  private void processReplays() {
    counters.flows.addAndGet(kernel.process(replayBatch));
    replayBatch.clear();
  }

  private Behavior<Command> flush() {
    // While draining for shutdown everything pending goes at once: there is no later flush.
    if (kernel.pendingEntries() == 0 || (drainedTo == null && inFlight >= settings.maxDeliveriesInFlight())) {
      return this;
    }
    List<FlowRecord> records = new ArrayList<>(kernel.pendingEntries());
    kernel.drain((src, dst, vpc, hour, tx, rx) -> records.add(new FlowRecord(src, dst, vpc, tx, rx, hour)));
    counters.pendingEntries.set(0);
    if (WriteBatch.fold(records) instanceof WriteBatch.Ready ready) {
      inFlight++;
      counters.deliveriesInFlight.set(inFlight);
      send(new Delivery(writeIdPrefix + nextWrite++, ready.batch(), records.size(), 0));
    }
    return this;
  }

  /** Sends (or re-sends) a delivery; it stays in flight until it succeeds. */
  private Behavior<Command> send(Delivery d) {
    getContext()
        .pipeToSelf(writer.writeEach(d.writeId(), d.batch()), (outcome, failure) -> new Delivered(d, outcome, failure));
    return this;
  }

  private Behavior<Command> onDelivered(Delivered d) {
    if (d.failure() != null) {
      counters.deliveryRetries.incrementAndGet();
      Duration backoff = Duration.ofMillis(Math.min(5_000, 100L << Math.min(d.delivery().attempt(), 6)));
      if (d.delivery().attempt() % 10 == 0) {
        getContext().getLog().warn(
            "delivering {} entries failed ({}); retrying in {} ms with the same write id",
            d.delivery().entries(), d.failure().toString(), backoff.toMillis());
      }
      // Still in flight while it waits, so new flushes don't pile up behind a struggling cluster.
      timers.startSingleTimer(d.delivery().writeId(), new Retry(d.delivery().nextAttempt()), backoff);
      return this;
    }
    inFlight--;
    counters.deliveriesInFlight.set(inFlight);
    counters.deliveries.incrementAndGet();
    counters.entriesDelivered.addAndGet(d.delivery().entries());
    if (d.outcome() instanceof FlowWriter.Refused refused) {
      counters.entriesRefusedOverflow.incrementAndGet();
      getContext().getLog().warn("an ingest total would pass 2^63-1 and was refused: {}", refused.details());
    }
    if (drainedTo != null) {
      flush();
    }
    return answerIfDrained();
  }

  private Behavior<Command> housekeeping() {
    reportNotAllowed();
    long now = System.currentTimeMillis();
    kernel.expire(now);
    learner.expire(now);
    for (ExporterStats s : kernel.stats()) {
      List<String> fresh = new ArrayList<>();
      for (DecodeError e : DecodeError.values()) {
        long total = s.errors(e);
        String key = s.exporter() + "/" + s.version() + "/" + e;
        long before = errorsLogged.getOrDefault(key, 0L);
        if (total > before) {
          fresh.add((total - before) + " " + e);
          errorsLogged.put(key, total);
        }
      }
      if (!fresh.isEmpty()) {
        BadInputLog.log.warn(
            "NetFlow from {} (version {}): {} in the last {} s; see GET /ingest/stats",
            s.exporter(), s.version(), String.join(", ", fresh), settings.logInterval().toSeconds());
      }
    }
    return this;
  }

  /** One warning per interval naming the busiest sources that were dropped, however many there were. */
  private void reportNotAllowed() {
    List<DroppedSources.Count> fresh = counters.droppedNotAllowed.sinceLastReport();
    if (fresh.isEmpty()) {
      return;
    }
    List<String> named = new ArrayList<>();
    for (DroppedSources.Count c : fresh.subList(0, Math.min(5, fresh.size()))) {
      named.add((c.source() == null ? "untracked sources" : c.source().toString()) + " (" + c.datagrams() + ")");
    }
    BadInputLog.log.warn(
        "NetFlow datagrams dropped from exporters outside FLOWAGG_NETFLOW_ALLOW in the last {} s: {}{}; see GET /ingest/stats",
        settings.logInterval().toSeconds(), String.join(", ", named),
        fresh.size() > 5 ? " and " + (fresh.size() - 5) + " more" : "");
  }

  private Behavior<Command> stopped() {
    kernel.close();
    templateStore.close();
    if (replayBatch != null) {
      replayBatch.close();
    }
    return this;
  }
}
