package dev.flowagg.node.ingest;

import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.nativeagg.DrainedRows;
import dev.flowagg.nativeagg.FlowKernel;
import dev.flowagg.node.aggregate.DeltaBlock;
import dev.flowagg.node.aggregate.FlowKey;
import dev.flowagg.node.aggregate.FlowWriter;
import dev.flowagg.node.aggregate.WriteBatch;
import dev.flowagg.node.logging.BadInputLog;
import dev.flowagg.node.settings.IngestSettings;
import dev.flowagg.node.settings.RetentionSettings;
import dev.flowagg.node.templates.SharedTemplate;
import dev.flowagg.node.templates.TemplateKey;
import dev.flowagg.node.templates.TemplateLearner;
import dev.flowagg.node.templates.TemplateReplication;
import dev.flowagg.node.templates.TemplateStore;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.DecodeError;
import dev.flowagg.protocol.netflow.ExporterStats;
import dev.flowagg.protocol.netflow.TemplateRecords;
import dev.flowagg.protocol.netflow.TemplateRecords.TemplateRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Decodes, classifies and pre-aggregates received datagrams with a {@link FlowKernel}, and delivers the deltas per
 * {@code (tuple, hour)} to the flow slices.
 *
 * <p>One delivery is under way at a time. While it is, records keep folding into the kernel's table; the next
 * delivery is cut once the last one is stored and the flush interval has passed, and carries everything that
 * accumulated meanwhile. A slow database therefore makes deliveries larger and totals later, never drops records:
 * memory is bounded by the distinct {@code (tuple, hour)} entries waiting, and only past
 * {@code max-pending-entries} (a bound a person sets) are datagrams dropped, under their own reason. Each delivery is
 * written under this actor's writer id and a delivery number, so its retries are applied once.
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

  private record Delivered(Delivery delivery, FlowWriter.Delivered stored) implements Command {}

  /** One cut of the table (or of an earlier run's, sent again): its deltas per slice, and when its oldest arrived. */
  private record Delivery(
      long writer, long number, Map<Integer, List<DeltaBlock>> bySlice, int entries, long oldestNanos,
      long sentNanos) {}

  /**
   * A delivery built from drained rows off the decoding thread (or not: {@code failure}); {@code logFailure} when its
   * record could not be kept on disk.
   */
  private record Cut(Delivery delivery, IOException logFailure, Throwable failure) implements Command {}

  /** What the delivery log kept from the last run: handled first, before anything is received. */
  private record Recover(DeliveryLog.Recovered recovered) implements Command {}

  public static Behavior<Command> create(
      FlowKernel kernel, BatchPool pool, FlowWriter writer, IngestSettings settings, RetentionSettings retention,
      IngestCounters counters, TemplateStore templateStore, DeliveryLog log, DeliveryLog.Recovered recovered) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  IngestActor actor = new IngestActor(
                      ctx, timers, kernel, pool, writer, settings, retention, counters, templateStore, log);
                  if (recovered != null) {
                    ctx.getSelf().tell(new Recover(recovered));
                  }
                  return actor;
                }));
  }

  private final FlowKernel kernel;
  private final BatchPool pool;
  private final FlowWriter writer;
  private final IngestSettings settings;
  private final RetentionSettings retention;
  private final IngestCounters counters;
  private final TimerScheduler<Command> timers;
  /** This actor's writer id: the slices keep its highest delivery stored, so a repeated delivery counts once. */
  private final long writerId = new java.security.SecureRandom().nextLong();
  private final Map<String, Long> errorsLogged = new HashMap<>();
  private final TemplateLearner learner;
  private final TemplateStore templateStore;
  private final ActorRef<TemplateReplication.Command> templates;
  /** Where replayed templates are put for the kernel; made on first use. */
  private DatagramBatch replayBatch;
  /** Where what waits is kept on disk; null when FLOWAGG_NETFLOW_LOG is off. */
  private final DeliveryLog log;
  /** Deliveries an earlier run cut and never stored: sent before any new cut. */
  private final java.util.ArrayDeque<DeliveryLog.Pending> resend = new java.util.ArrayDeque<>();
  private long logErrorsReported;
  private long nextDelivery;
  private Delivery inFlight;
  /** A drained table being named and encoded off this thread. */
  private boolean cutting;
  private final java.util.concurrent.ExecutorService cutter = java.util.concurrent.Executors.newSingleThreadExecutor(
      r -> {
        Thread t = new Thread(r, "flowagg-netflow-cut");
        t.setDaemon(true);
        return t;
      });
  /** Datagrams per exporter since the last cut, for the fair share under pressure. */
  private final Map<IpAddress, long[]> sentSinceCut = new HashMap<>();
  private static final int MAX_EXPORTERS_TRACKED = 4096;
  private static final long SHARE_SLACK = 64;
  private final DeliveryPacing pacing;
  /** Datagrams dropped by reason (busy, pending_full, over_share, oversize) as of the last warning. */
  private long[] droppedReported = new long[4];
  /** When the table's oldest undelivered delta arrived (0 while the table is empty). */
  private long tableOldestNanos;
  private ActorRef<Drained> drainedTo;
  private long deliveredBeforeDrain;

  private IngestActor(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, FlowKernel kernel, BatchPool pool,
      FlowWriter writer, IngestSettings settings, RetentionSettings retention, IngestCounters counters,
      TemplateStore templateStore, DeliveryLog log) {
    super(ctx);
    // Named after this class: the name found by default, from the call stack, is Pekko's ActorCell.
    ctx.setLoggerName(IngestActor.class);
    this.timers = timers;
    this.kernel = kernel;
    this.pool = pool;
    this.writer = writer;
    this.settings = settings;
    this.pacing = new DeliveryPacing(settings.flushInterval(), settings.maxFlushInterval(), settings.storeShare(),
        settings.maxPendingEntries(), System.nanoTime());
    counters.deliveryPeriodMillis.set(settings.flushInterval().toMillis());
    this.retention = retention;
    this.counters = counters;
    this.log = log;
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
        .onMessage(Recover.class, this::onRecover)
        .onMessage(ReplayTemplates.class, this::onReplayTemplates)
        .onMessage(FlushTick.class, t -> flush())
        .onMessage(HousekeepingTick.class, t -> housekeeping())
        .onMessage(Delivered.class, this::onDelivered)
        .onMessage(Cut.class, this::onCut)
        .onMessage(Drain.class, this::onDrain)
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, s -> stopped())
        .build();
  }

  private Behavior<Command> onReceived(Received r) {
    DatagramBatch batch = r.batch();
    try {
      if (kernel.pendingEntries() >= settings.maxPendingEntries()) {
        for (int i = 0; i < batch.count(); i++) {
          counters.droppedPendingFull.count(batch.exporter(i));
        }
      } else {
        shareOut(batch);
        if (tableOldestNanos == 0) {
          tableOldestNanos = System.nanoTime();
          counters.tableOldestNanos.set(tableOldestNanos);
        }
        if (log != null) {
          try {
            log.append(batch);
          } catch (IOException e) {
            logFailed("could not keep received datagrams on disk", e);
          }
        }
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

  /**
   * Under pressure (the table more than half full), drops the datagrams of an exporter that sent more than twice as
   * much since the last cut as the busiest other exporter (plus some slack): a flood, or a stream of junk tuples, from
   * one exporter does not take the others' room. Exporters sending alike are never told apart; a lone exporter only
   * meets the table's bound. Counts what each exporter sends.
   */
  private void shareOut(DatagramBatch batch) {
    boolean pressure = kernel.pendingEntries() >= settings.maxPendingEntries() / 2 && sentSinceCut.size() >= 2;
    IpAddress busiest = null;
    long first = 0;
    long second = 0;
    if (pressure) {
      for (Map.Entry<IpAddress, long[]> e : sentSinceCut.entrySet()) {
        long n = e.getValue()[0];
        if (n > first) {
          second = first;
          first = n;
          busiest = e.getKey();
        } else if (n > second) {
          second = n;
        }
      }
    }
    for (int i = batch.count() - 1; i >= 0; i--) {
      IpAddress exporter = batch.exporter(i);
      long[] sent = sentSinceCut.get(exporter);
      if (sent == null && sentSinceCut.size() < MAX_EXPORTERS_TRACKED) {
        sent = new long[1];
        sentSinceCut.put(exporter, sent);
      }
      if (pressure && sent != null) {
        long others = exporter.equals(busiest) ? second : first;
        if (sent[0] > 2 * others + SHARE_SLACK) {
          batch.remove(i);
          counters.droppedOverShare.count(exporter);
          continue;
        }
      }
      if (sent != null) {
        sent[0]++;
      }
    }
  }

  /**
   * Decodes again what the last run received after its last cut, and queues the deliveries it cut but never stored
   * (sent again under their own writer id and number, so the slices apply each once).
   */
  private Behavior<Command> onRecover(Recover r) {
    resend.addAll(r.recovered().deliveries());
    long datagrams = 0;
    long flows = 0;
    DatagramBatch scratch = pool.take();
    if (scratch == null) {
      scratch = new DatagramBatch(settings.batchDatagrams(), Math.max(settings.batchBytes(), DatagramBatch.MAX_DATAGRAM));
    }
    long[] totals = new long[2];
    for (java.nio.file.Path segment : r.recovered().segments()) {
      try {
        DeliveryLog.replay(segment, scratch, b -> {
          totals[0] += b.count();
          totals[1] += kernel.process(b);
        });
      } catch (IOException e) {
        logFailed("could not read back " + segment, e);
      }
    }
    pool.release(scratch);
    datagrams = totals[0];
    flows = totals[1];
    if (tableOldestNanos == 0 && kernel.pendingEntries() > 0) {
      tableOldestNanos = System.nanoTime();
      counters.tableOldestNanos.set(tableOldestNanos);
    }
    counters.flows.addAndGet(flows);
    counters.pendingEntries.set(kernel.pendingEntries());
    if (datagrams > 0 || !resend.isEmpty()) {
      getContext().getLog().info(
          "NetFlow recovered from the last run: {} datagrams ({} flows) received after its last delivery, and {} "
              + "deliveries it had not stored yet", datagrams, flows, resend.size());
    }
    flush();
    return this;
  }

  private void logFailed(String what, IOException e) {
    counters.logErrors.incrementAndGet();
    if (counters.logErrors.get() - logErrorsReported >= 1 || logErrorsReported == 0) {
      logErrorsReported = counters.logErrors.get();
      getContext().getLog().warn("NetFlow delivery log: {} ({}); ingest goes on, but a killed node would lose what "
          + "waits", what, e.toString());
    }
  }

  private Behavior<Command> onDrain(Drain d) {
    getContext().getLog().info(
        "shutdown: delivering {} pending NetFlow entries ({} in the delivery under way)", kernel.pendingEntries(),
        inFlight == null ? 0 : inFlight.entries());
    drainedTo = d.replyTo();
    deliveredBeforeDrain = counters.entriesDelivered.get();
    flush();
    return answerIfDrained();
  }

  private Behavior<Command> answerIfDrained() {
    if (drainedTo != null && inFlight == null && !cutting && resend.isEmpty() && kernel.pendingEntries() == 0) {
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

  /**
   * Cuts the table into a delivery when none is under way and the flush interval has passed (at once while draining
   * for shutdown: there is no later flush). The table is drained here, which is quick; naming and encoding its rows
   * happens on a thread of its own, so receiving and decoding go on meanwhile.
   */
  private Behavior<Command> flush() {
    if (inFlight == null && !cutting && !resend.isEmpty()) {
      DeliveryLog.Pending p = resend.poll();
      int entries = p.bySlice().values().stream().flatMap(List::stream).mapToInt(DeltaBlock::count).sum();
      send(new Delivery(p.writer(), p.number(), p.bySlice(), entries, System.nanoTime(), System.nanoTime()));
      return this;
    }
    if (kernel.pendingEntries() == 0 || inFlight != null || cutting
        || (drainedTo == null && !pacing.due(System.nanoTime(), kernel.pendingEntries()))) {
      return this;
    }
    pacing.cut(System.nanoTime());
    DrainedRows drained = kernel.drainRows();
    long covered = -1;
    if (log != null) {
      try {
        covered = log.rotate();
      } catch (IOException e) {
        logFailed("could not start a new segment of received datagrams", e);
      }
    }
    sentSinceCut.clear();
    long oldest = tableOldestNanos;
    tableOldestNanos = 0;
    counters.tableOldestNanos.set(0);
    counters.pendingEntries.set(0);
    counters.inFlightEntries.set(drained.size());
    counters.inFlightOldestNanos.set(oldest);
    long now = System.currentTimeMillis();
    long first = retention.firstHour(now);
    long last = retention.lastHour(now);
    long number = nextDelivery++;
    long coveredSegment = covered;
    cutting = true;
    getContext().pipeToSelf(
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> keep(build(drained, number, oldest, first, last), coveredSegment), cutter),
        (cut, failure) -> failure != null ? new Cut(null, null, failure) : cut);
    return this;
  }

  /**
   * Records a built delivery in the log and deletes the datagrams it covers; on the cutting thread too, since at high
   * cardinality the record is megabytes (synced) and the segments it frees hold every datagram since the last cut:
   * on the ingest actor's thread this stalled decoding long enough for the receive batches to run out. Nothing else
   * writes the delivery log meanwhile: no delivery is under way while one is being cut.
   */
  private Cut keep(Delivery d, long coveredSegment) {
    if (log == null || coveredSegment < 0 || d.entries() == 0) {
      return new Cut(d, null, null);
    }
    try {
      log.cut(d.writer(), d.number(), d.bySlice(), coveredSegment);
      return new Cut(d, null, null);
    } catch (IOException e) {
      return new Cut(d, e, null);
    }
  }

  /** Names, checks and encodes drained rows per slice; on the cutting thread. */
  private Delivery build(DrainedRows drained, long number, long oldest, long first, long last) {
    Map<Integer, WriteBatch.Parts> parts = new TreeMap<>();
    int[] entries = {0};
    long[] outside = {0};
    drained.emit((src, dst, vpc, hour, tx, rx) -> {
      if (hour < first || hour > last) {
        outside[0]++;
        return;
      }
      entries[0]++;
      parts.computeIfAbsent(new FlowKey(src, dst, vpc).slice(), k -> new WriteBatch.Parts())
          .add(src, dst, vpc, hour, tx, rx);
    });
    counters.entriesOutsideRetention.addAndGet(outside[0]);
    Map<Integer, List<DeltaBlock>> bySlice = new TreeMap<>();
    parts.forEach((slice, p) -> bySlice.put(slice, p.finish()));
    return new Delivery(writerId, number, bySlice, entries[0], oldest, System.nanoTime());
  }

  private Behavior<Command> onCut(Cut c) {
    cutting = false;
    if (c.failure() != null) {
      // Cannot happen short of a bug; the rows are lost to this run but their datagrams stay in the log.
      getContext().getLog().error("NetFlow: a cut could not be built; its datagrams are decoded again at the next "
          + "start", c.failure());
      counters.inFlightEntries.set(0);
      counters.inFlightOldestNanos.set(0);
      return answerIfDrained();
    }
    Delivery d = c.delivery();
    if (d.entries() == 0) {
      counters.inFlightEntries.set(0);
      counters.inFlightOldestNanos.set(0);
      flush();
      return answerIfDrained();
    }
    if (c.logFailure() != null) {
      logFailed("could not keep a delivery on disk", c.logFailure());
    }
    send(d);
    return this;
  }

  private void send(Delivery d) {
    inFlight = d;
    counters.deliveriesInFlight.set(1);
    counters.inFlightEntries.set(d.entries());
    counters.inFlightOldestNanos.set(d.oldestNanos());
    getContext().pipeToSelf(
        writer.deliver(d.writer(), d.number(), d.bySlice()), (stored, failure) -> new Delivered(d, stored));
  }

  private Behavior<Command> onDelivered(Delivered d) {
    inFlight = null;
    if (log != null) {
      try {
        log.done(d.delivery().writer(), d.delivery().number());
      } catch (IOException e) {
        logFailed("could not record a stored delivery", e);
      }
    }
    counters.deliveriesInFlight.set(0);
    counters.inFlightEntries.set(0);
    counters.inFlightOldestNanos.set(0);
    counters.deliveries.incrementAndGet();
    counters.entriesDelivered.addAndGet(d.delivery().entries());
    long storeNanos = System.nanoTime() - d.delivery().sentNanos();
    counters.delivered(d.delivery().entries(), storeNanos / 1_000_000);
    pacing.stored(storeNanos, d.stored() == null || d.stored().retries() > 0);
    counters.deliveryPeriodMillis.set(pacing.period().toMillis());
    if (d.stored() != null) {
      counters.deliveryRetries.addAndGet(d.stored().retries());
      counters.entriesOutsideRetention.addAndGet(d.stored().rowsExpired());
      if (d.stored().rowsRefused() > 0) {
        counters.entriesRefusedOverflow.addAndGet(d.stored().rowsRefused());
        getContext().getLog().warn(
            "{} NetFlow totals would pass 2^63-1 and were left out", d.stored().rowsRefused());
      }
    }
    // A delivery that took longer than the interval is followed at once by what accumulated meanwhile.
    flush();
    return answerIfDrained();
  }

  private Behavior<Command> housekeeping() {
    reportNotAllowed();
    reportDropped();
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

  /**
   * One warning per interval for datagrams dropped for want of room, by reason, however many there were: each is
   * data lost, so it must show in the log as well as in {@code GET /ingest/stats} and {@code /metrics}.
   */
  private void reportDropped() {
    long[] now = {
      counters.datagramsDroppedBusy.get(), counters.droppedPendingFull.total(), counters.droppedOverShare.total(),
      counters.datagramsDroppedOversize.get()
    };
    String[] why = {
      "busy (every receive batch was waiting for the decoder: the node is short of CPU)",
      "pending_full (FLOWAGG_MAX_PENDING_ENTRIES entries waiting to be stored)",
      "over_share (an exporter far above its share while the table is more than half full)",
      "oversize (longer than a receive slot)"
    };
    List<String> fresh = new ArrayList<>();
    for (int i = 0; i < now.length; i++) {
      if (now[i] > droppedReported[i]) {
        fresh.add((now[i] - droppedReported[i]) + " " + why[i]);
      }
    }
    droppedReported = now;
    if (!fresh.isEmpty()) {
      getContext().getLog().warn("NetFlow datagrams dropped in the last {} s: {}; see GET /ingest/stats",
          settings.logInterval().toSeconds(), String.join(", ", fresh));
    }
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
    cutter.shutdownNow();
    if (log != null) {
      try {
        log.close();
      } catch (IOException ignored) {
        // the files are complete as they are
      }
    }
    kernel.close();
    templateStore.close();
    if (replayBatch != null) {
      replayBatch.close();
    }
    return this;
  }
}
