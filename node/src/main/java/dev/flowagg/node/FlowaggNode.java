package dev.flowagg.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.flowagg.nativeagg.FlowKernel;
import dev.flowagg.node.http.Readiness;
import dev.flowagg.node.http.security.HttpAccess;
import dev.flowagg.node.ingest.NetflowIngest;
import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.process.StartFailure;
import dev.flowagg.node.settings.ActorSystemName;
import dev.flowagg.node.settings.Classification;
import dev.flowagg.node.settings.DatabaseSettings;
import dev.flowagg.node.settings.NodeSettings;
import dev.flowagg.node.storage.Database;
import dev.flowagg.node.storage.DatabaseStart;
import dev.flowagg.node.storage.FlowTables;
import java.net.BindException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running flowagg node: its settings, actor system, HTTP binding and readiness. */
public record FlowaggNode(
    NodeSettings settings, ActorSystem<Void> system, CompletableFuture<ServerBinding> binding, Readiness readiness) {

  private static final Logger log = LoggerFactory.getLogger(FlowaggNode.class);

  /**
   * Checks the settings, the files they name and the addresses to listen on, waits for the database and migrates its
   * schema, then starts the actor system; returns once it runs (not yet ready). Anything that stops the start is a
   * {@link StartFailure}: at once for what is wrong before the actor system starts, through {@link #binding()} for
   * the HTTP and NetFlow ports the guardian opens.
   */
  public static FlowaggNode start(Config overrides) {
    NodeConfig.Loaded loaded = asSettingFailure(() -> NodeConfig.load(overrides));
    NodeSettings settings = loaded.settings();
    Classification classification = Classification.load(settings);
    FlowKernel kernel = asSettingFailure(() -> NetflowIngest.kernelFor(settings.ingest(), classification));
    HttpAccess access = asSettingFailure(() -> HttpAccess.from(settings.security()));
    ListenAddresses.check(settings);
    if (settings.database().kind() == DatabaseSettings.Kind.H2) {
      // Pools check a connection each time they lend it, not only after 500 ms idle (see Database): a dead H2
      // session is swapped at once. The pools read this when they are made, so it is set before the first.
      System.setProperty("com.zaxxer.hikari.aliveBypassWindowMs", "0");
    }
    DatabaseStart.Ready database = DatabaseStart.prepare(settings.database(), settings.dataDir());
    if (database.migrated().migrationsExecuted > 0) {
      log.info("database schema migrated to version {}", database.migrated().targetSchemaVersion);
    }
    Readiness readiness = new Readiness();
    CompletableFuture<ServerBinding> binding = new CompletableFuture<>();
    FlowTables tables =
        new FlowTables(new Database(settings.database(), "flowagg-tables", settings.database().poolSize()));
    ActorSystem<Void> system;
    try {
      system = ActorSystem.create(
          Guardian.create(settings, classification, tables, kernel, access, readiness, binding), ActorSystemName.NAME,
          loaded.config());
    } catch (RuntimeException e) {
      tables.close();
      database.release();
      if (causedBy(e, BindException.class)) {
        throw ListenAddresses.CLUSTER.failure(settings.clusterHost(), settings.clusterPort(), e);
      }
      throw e;
    }
    system.getWhenTerminated().thenRun(() -> {
      tables.close();
      database.release();
    });
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

  /** Settings are checked as they are read; what they reject is a bad setting, said in the rejection's own words. */
  private static <T> T asSettingFailure(Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException | IllegalStateException | ConfigException e) {
      throw new StartFailure(ExitCode.BAD_SETTING, e.getMessage(), e);
    }
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
