package dev.flowagg.node.templates;

import dev.flowagg.node.ingest.IngestCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

/**
 * Shares NetFlow templates across the cluster and keeps them across restarts: what this node's exporters define goes
 * into Pekko Distributed Data (LWW maps, spread by exporter over a few keys so no entry grows past a remote message)
 * and into the database; what other nodes define, and at start what the database holds, is handed to the ingest
 * actor to replay into its kernel. Entries past the template lifetime are removed from both.
 */
public final class TemplateReplication {

  /** What the replication actor handles. */
  public sealed interface Command {}

  /** Templates this node's ingest saw that the cluster should hear about. */
  public record Learned(Map<TemplateKey, SharedTemplate> templates) implements Command {}

  private record Loaded(Map<TemplateKey, SharedTemplate> templates, Throwable failure) implements Command {}

  private record Stored(int count, Throwable failure) implements Command {}

  private record Changed(Replicator.SubscribeResponse<LWWMap<TemplateKey, SharedTemplate>> response)
      implements Command {}

  private record Updated(Replicator.UpdateResponse<LWWMap<TemplateKey, SharedTemplate>> response)
      implements Command {}

  private record ExpireTick() implements Command {}

  /** Distributed Data keys the templates are spread over, by exporter. */
  static final int KEYS = 16;

  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);

  public static Behavior<Command> create(
      Consumer<Map<TemplateKey, SharedTemplate>> replay, TemplateStore store, Duration lifetime,
      IngestCounters counters) {
    return Behaviors.setup(
        ctx ->
            DistributedData.withReplicatorMessageAdapter(
                (ReplicatorMessageAdapter<Command, LWWMap<TemplateKey, SharedTemplate>> replicator) ->
                    Behaviors.withTimers(
                        timers -> {
                          timers.startTimerWithFixedDelay(
                              new ExpireTick(), Duration.ofMillis(Math.min(60_000, lifetime.toMillis())));
                          return new TemplateReplication(ctx, replicator, replay, store, lifetime, counters)
                              .start();
                        })));
  }

  private final ActorContext<Command> ctx;
  private final ReplicatorMessageAdapter<Command, LWWMap<TemplateKey, SharedTemplate>> replicator;
  private final Consumer<Map<TemplateKey, SharedTemplate>> replay;
  private final TemplateStore store;
  private final long lifetimeMillis;
  private final IngestCounters counters;
  private final SelfUniqueAddress self;
  private final List<Key<LWWMap<TemplateKey, SharedTemplate>>> keys =
      IntStream.range(0, KEYS).mapToObj(i -> LWWMapKey.<TemplateKey, SharedTemplate>create("netflow-templates-" + i))
          .toList();
  /** The newest copy of every template this node has learned, replayed or loaded. */
  private final Map<TemplateKey, SharedTemplate> seen = new HashMap<>();

  private TemplateReplication(
      ActorContext<Command> ctx,
      ReplicatorMessageAdapter<Command, LWWMap<TemplateKey, SharedTemplate>> replicator,
      Consumer<Map<TemplateKey, SharedTemplate>> replay, TemplateStore store, Duration lifetime,
      IngestCounters counters) {
    this.ctx = ctx;
    this.replicator = replicator;
    this.replay = replay;
    this.store = store;
    this.lifetimeMillis = lifetime.toMillis();
    this.counters = counters;
    this.self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
  }

  private Behavior<Command> start() {
    ctx.pipeToSelf(store.loadSeenSince(System.currentTimeMillis() - lifetimeMillis), Loaded::new);
    keys.forEach(k -> replicator.subscribe(k, Changed::new));
    return Behaviors.receive(Command.class)
        .onMessage(Learned.class, this::onLearned)
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(Stored.class, this::onStored)
        .onMessage(Changed.class, this::onChanged)
        .onMessage(Updated.class, this::onUpdated)
        .onMessage(ExpireTick.class, t -> expire())
        .build();
  }

  private Behavior<Command> onLearned(Learned l) {
    seen.putAll(l.templates());
    Map<Key<LWWMap<TemplateKey, SharedTemplate>>, Map<TemplateKey, SharedTemplate>> byKey = new HashMap<>();
    l.templates().forEach((k, t) -> byKey.computeIfAbsent(keyOf(k), x -> new LinkedHashMap<>()).put(k, t));
    // Written to every reachable node at once so a data datagram sent elsewhere finds its template; a node that
    // misses the write gets it by gossip.
    byKey.forEach(
        (key, templates) ->
            replicator.askUpdate(
                replyTo ->
                    new Replicator.Update<>(
                        key, LWWMap.empty(), new Replicator.WriteAll(WRITE_TIMEOUT), replyTo,
                        map -> {
                          LWWMap<TemplateKey, SharedTemplate> m = map;
                          for (Map.Entry<TemplateKey, SharedTemplate> e : templates.entrySet()) {
                            m = m.put(self, e.getKey(), e.getValue());
                          }
                          return m;
                        }),
                Updated::new));
    ctx.pipeToSelf(store.save(l.templates()), Stored::new);
    return Behaviors.same();
  }

  private Behavior<Command> onLoaded(Loaded l) {
    if (l.failure() != null) {
      ctx.getLog().warn("cannot load stored NetFlow templates: {}", l.failure().toString());
      counters.templateStoreErrors.incrementAndGet();
      return Behaviors.same();
    }
    handOver(l.templates());
    if (l.templates().isEmpty()) {
      ctx.getLog().debug("no stored NetFlow templates to load");
    } else {
      ctx.getLog().info("{} stored NetFlow templates loaded", l.templates().size());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onStored(Stored s) {
    if (s.failure() != null) {
      ctx.getLog().warn("cannot store NetFlow templates: {}", s.failure().toString());
      counters.templateStoreErrors.incrementAndGet();
    } else {
      counters.templatesStored.addAndGet(s.count());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onChanged(Changed c) {
    if (c.response() instanceof Replicator.Changed<LWWMap<TemplateKey, SharedTemplate>> changed) {
      handOver(changed.get(changed.key()).getEntries());
    }
    return Behaviors.same();
  }

  /** Replays what is newer than this node's copy. */
  private void handOver(Map<TemplateKey, SharedTemplate> templates) {
    long now = System.currentTimeMillis();
    Map<TemplateKey, SharedTemplate> newer = new LinkedHashMap<>();
    templates.forEach(
        (k, t) -> {
          SharedTemplate mine = seen.get(k);
          boolean live = now - t.lastSeenMillis() <= lifetimeMillis;
          if (live && (mine == null || t.lastSeenMillis() > mine.lastSeenMillis())) {
            seen.put(k, t);
            newer.put(k, t);
          }
        });
    if (!newer.isEmpty()) {
      replay.accept(newer);
    }
  }

  private Behavior<Command> onUpdated(Updated u) {
    if (!(u.response() instanceof Replicator.UpdateSuccess<?>)) {
      ctx.getLog().debug("template update not acknowledged by every node (gossip spreads it): {}", u.response());
    }
    return Behaviors.same();
  }

  private Behavior<Command> expire() {
    long cutoff = System.currentTimeMillis() - lifetimeMillis;
    Map<Key<LWWMap<TemplateKey, SharedTemplate>>, List<TemplateKey>> byKey = new HashMap<>();
    seen.entrySet().removeIf(e -> {
      if (e.getValue().lastSeenMillis() >= cutoff) {
        return false;
      }
      byKey.computeIfAbsent(keyOf(e.getKey()), x -> new ArrayList<>()).add(e.getKey());
      return true;
    });
    byKey.forEach(
        (key, expired) ->
            replicator.askUpdate(
                replyTo ->
                    new Replicator.Update<>(
                        key, LWWMap.empty(), Replicator.writeLocal(), replyTo,
                        map -> {
                          LWWMap<TemplateKey, SharedTemplate> m = map;
                          for (TemplateKey k : expired) {
                            // Another node may have a newer copy under way; only the expired one goes.
                            SharedTemplate current = m.getEntries().get(k);
                            if (current != null && current.lastSeenMillis() < cutoff) {
                              m = m.remove(self, k);
                            }
                          }
                          return m;
                        }),
                Updated::new));
    ctx.pipeToSelf(store.deleteSeenBefore(cutoff), (n, failure) -> new Stored(0, failure));
    return Behaviors.same();
  }

  private Key<LWWMap<TemplateKey, SharedTemplate>> keyOf(TemplateKey k) {
    return keys.get(Math.floorMod(k.exporter().hashCode(), KEYS));
  }
}
