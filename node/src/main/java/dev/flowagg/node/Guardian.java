package dev.flowagg.node;

import dev.flowagg.nativeagg.FlowKernel;
import dev.flowagg.node.aggregate.FlowSlice;
import dev.flowagg.node.aggregate.FlowWriter;
import dev.flowagg.node.aggregate.RetentionSweep;
import dev.flowagg.node.http.BatchWrites;
import dev.flowagg.node.http.ClusterRoutes;
import dev.flowagg.node.http.ConsoleRoutes;
import dev.flowagg.node.http.FlowLogRoutes;
import dev.flowagg.node.http.FlowRoutes;
import dev.flowagg.node.http.IngestRoutes;
import dev.flowagg.node.http.MetricsRoutes;
import dev.flowagg.node.http.RequestObserver;
import dev.flowagg.node.http.TotalsRoutes;
import dev.flowagg.node.query.TotalsEngine;
import dev.flowagg.node.ingest.IngestStatus;
import dev.flowagg.node.ingest.NetflowIngest;
import dev.flowagg.node.metrics.ClusterCollector;
import dev.flowagg.node.metrics.IngestCollector;
import dev.flowagg.node.metrics.NodeMetrics;
import dev.flowagg.node.metrics.UdpDropsCollector;
import dev.flowagg.node.http.HealthRoutes;
import dev.flowagg.node.http.HttpServerProtocol;
import dev.flowagg.node.http.Readiness;
import dev.flowagg.node.http.RouteFallbacks;
import dev.flowagg.node.http.RouteSafety;
import dev.flowagg.node.idempotency.IdempotencyKey;
import dev.flowagg.node.idempotency.IdempotentRequests;
import dev.flowagg.node.idempotency.KeySweep;
import dev.flowagg.node.shutdown.GracefulStop;
import dev.flowagg.node.http.security.HttpAccess;
import dev.flowagg.node.process.BuildInfo;
import dev.flowagg.node.settings.Classification;
import dev.flowagg.node.settings.NodeSettings;
import dev.flowagg.node.storage.DatabaseHealth;
import dev.flowagg.node.storage.FlowTables;
import dev.flowagg.node.templates.TemplateStore;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The root actor: starts sharding, the HTTP server and cluster membership, and tracks readiness. */
public final class Guardian {

  private static final Logger log = LoggerFactory.getLogger(Guardian.class);

  private Guardian() {}

  public static Behavior<Void> create(
      NodeSettings settings,
      Classification classification,
      FlowTables tables,
      FlowKernel kernel,
      HttpAccess access,
      Readiness readiness,
      CompletableFuture<ServerBinding> binding) {
    return Behaviors.setup(
        ctx -> {
          ActorSystem<Void> system = ctx.getSystem();
          FlowSlice.initSharding(
              system,
              new FlowSlice.Environment(tables, settings.aggregate(), settings.retention(), InstantSource.system()));
          RetentionSweep.start(system, tables, settings.retention(), InstantSource.system());
          IdempotencyKey.initSharding(system, settings.idempotency().retention());
          KeySweep.start(system, settings.database(), settings.idempotency());

          readiness.waitFor("cluster membership");
          CompletableFuture<Void> memberUp = new CompletableFuture<>();
          org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system))
              .registerOnMemberUp(
                  () -> {
                    readiness.ready();
                    memberUp.complete(null);
                  });
          joinCluster(system, settings);

          DatabaseHealth health = new DatabaseHealth(tables.database(), Duration.ofSeconds(1), readiness::database);
          system.getWhenTerminated().thenRun(health::close);
          FlowWriter writer = new FlowWriter(system, settings.requestTimeout());
          Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
          BatchWrites writes =
              new BatchWrites(
                  writer,
                  new IdempotentRequests(system, settings.requestTimeout()),
                  settings,
                  health,
                  Materializer.matFromSystem(system));
          IngestStatus ingest;
          try {
            ingest =
                NetflowIngest.start(
                    ctx, settings.ingest(), settings.retention(), settings.dataDir(), kernel, writer,
                    new TemplateStore(settings.database()), settings.shutdown().flushDeadline());
          } catch (UncheckedIOException e) {
            binding.completeExceptionally(ListenAddresses.NETFLOW.failure(
                settings.ingest().netflowHost(), settings.ingest().netflowPort(), e.getCause()));
            system.terminate();
            return Behaviors.empty();
          }
          GracefulStop.register(system, settings.shutdown(), readiness, binding);
          NodeMetrics metrics = NodeMetrics.get(system);
          ClusterCollector clusterMetrics = new ClusterCollector(system);
          metrics.register(clusterMetrics);
          if (ingest.enabled()) {
            metrics.register(new IngestCollector(ingest));
            if (UdpDropsCollector.supported()) {
              metrics.register(new UdpDropsCollector(ingest.port()));
            }
          }
          // Around the access guard: no answer, its refusals included, is ever Pekko's plain text.
          TotalsEngine totals =
              new TotalsEngine(tables.database(), settings.queryCacheBytes(), settings.retention(), InstantSource.system());
          tables.onStored(totals::stored);
          Route routes =
              RouteSafety.around(access.guard(new AllDirectives() {}.concat(
                  new FlowRoutes(writes, tables.database(), totals, health, blocking, settings.maxRecordsPerRequest())
                      .routes(),
                  new TotalsRoutes(totals, health, blocking, Materializer.matFromSystem(system)).routes(),
                  new FlowLogRoutes(writes, classification, settings.maxRecordsPerRequest()).routes(),
                  new IngestRoutes(ingest).routes(),
                  new ClusterRoutes(system, settings.requestTimeout()).routes(),
                  new HealthRoutes(readiness).routes(),
                  new MetricsRoutes(metrics, clusterMetrics).routes(),
                  new ConsoleRoutes().routes(),
                  RouteFallbacks.notFound())), readiness);
          // Every answer, refusals included, is counted and written to the access log.
          access
              .serve(
                  Http.get(system)
                      .newServerAt(settings.httpHost(), settings.httpPort())
                      .adaptSettings(HttpServerProtocol::adapt))
              .bind(new RequestObserver(metrics.http(), settings.ingest().logInterval()).observe(routes))
              .whenComplete(
                  (b, failure) -> {
                    if (failure != null) {
                      binding.completeExceptionally(
                          ListenAddresses.HTTP.failure(settings.httpHost(), settings.httpPort(), failure));
                      system.terminate();
                    } else {
                      binding.complete(b);
                    }
                  });
          binding.thenAcceptBoth(
              memberUp,
              (b, up) -> log.info(new StartSummary(
                      BuildInfo.current(), settings, b.localAddress().getPort(), access.https(), ingest,
                      selfAddress(system), classification, access.summary())
                  .line()));
          return Behaviors.empty();
        });
  }

  private static String selfAddress(ActorSystem<?> system) {
    String self = Cluster.get(system).selfMember().address().toString();
    return self.substring(self.indexOf('@') + 1);
  }

  private static void joinCluster(ActorSystem<?> system, NodeSettings settings) {
    Cluster cluster = Cluster.get(system);
    if (settings.seedNodes().isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    } else {
      cluster
          .manager()
          .tell(new JoinSeedNodes(
              scala.jdk.javaapi.CollectionConverters.asScala(
                      settings.seedNodes().stream().map(AddressFromURIString::parse).toList())
                  .toList()));
    }
  }
}
