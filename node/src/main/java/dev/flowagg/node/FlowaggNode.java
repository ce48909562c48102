package dev.flowagg.node;

import com.typesafe.config.Config;
import dev.flowagg.nativeagg.FlowKernel;
import dev.flowagg.node.http.Readiness;
import dev.flowagg.node.http.security.HttpAccess;
import dev.flowagg.node.ingest.NetflowIngest;
import dev.flowagg.node.settings.ActorSystemName;
import dev.flowagg.node.settings.Classification;
import dev.flowagg.node.settings.NodeSettings;
import dev.flowagg.node.storage.Database;
import dev.flowagg.node.storage.FlowTables;
import dev.flowagg.node.storage.SchemaMigration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running flowagg node: its settings, actor system, HTTP binding and readiness. */
public record FlowaggNode(
    NodeSettings settings, ActorSystem<Void> system, CompletableFuture<ServerBinding> binding, Readiness readiness) {

  private static final Logger log = LoggerFactory.getLogger(FlowaggNode.class);

  /** Migrates the schema, then starts the actor system; returns once the actor system runs (not yet ready). */
  public static FlowaggNode start(Config overrides) {
    NodeConfig.Loaded loaded = NodeConfig.load(overrides);
    Config config = loaded.config();
    NodeSettings settings = loaded.settings();
    Classification classification = Classification.load(settings);
    FlowKernel kernel = NetflowIngest.kernelFor(settings.ingest(), classification);
    HttpAccess access = HttpAccess.from(settings.security());
    log.info("storage: {}", settings.database());
    var migrated = SchemaMigration.migrate(settings.database());
    if (migrated.migrationsExecuted > 0) {
      log.info("database schema migrated to version {}", migrated.targetSchemaVersion);
    }
    Readiness readiness = new Readiness();
    CompletableFuture<ServerBinding> binding = new CompletableFuture<>();
    FlowTables tables = new FlowTables(new Database(settings.database(), "flowagg-tables", settings.database().poolSize()));
    ActorSystem<Void> system =
        ActorSystem.create(
            Guardian.create(settings, classification, tables, kernel, access, readiness, binding),
            ActorSystemName.NAME, config);
    system.getWhenTerminated().thenRun(tables::close);
    // Should the guardian fail before the port is bound, whoever waits for the port hears of it instead of waiting forever.
    system
        .getWhenTerminated()
        .thenRun(() -> binding.completeExceptionally(new IllegalStateException("the node stopped before its HTTP port was bound")));
    return new FlowaggNode(settings, system, binding, readiness);
  }

  /** The HTTP port actually bound (useful when the configured port is 0). */
  public int httpPort() {
    return binding.join().localAddress().getPort();
  }

  /** Stops the node through coordinated shutdown and waits for it. */
  public void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
