package dev.flowagg.node.shutdown;

import dev.flowagg.node.http.Readiness;
import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.settings.ShutdownSettings;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The node's stop, in Pekko's coordinated-shutdown phases: readiness turns 503 and new requests are refused
 * (before-service-unbind), the HTTP port closes (service-unbind), requests under way finish (service-requests-done),
 * NetFlow deltas are delivered (service-stop, see NetflowIngest), then sharding hands its shards over and the node
 * leaves the cluster (Pekko's own phases). Each step is logged.
 */
public final class GracefulStop {

  private static final Logger log = LoggerFactory.getLogger(GracefulStop.class);

  /** The reason given to coordinated shutdown when the process is told to stop by a signal. */
  public static final class SignalReason implements CoordinatedShutdown.Reason {
    private final String signal;

    SignalReason(String signal) {
      this.signal = signal;
    }

    @Override
    public String toString() {
      return "SIG" + signal;
    }
  }

  private GracefulStop() {}

  /** Adds the HTTP steps to the system's coordinated shutdown. */
  public static void register(
      ActorSystem<?> system, ShutdownSettings settings, Readiness readiness, CompletionStage<ServerBinding> binding) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "readiness-503",
        () -> {
          readiness.stopping();
          log.info(
              "shutdown ({}): readiness answers 503 and new requests are refused; the HTTP port closes in {} ms",
              shutdown.getShutdownReason().map(Object::toString).orElse("?"), settings.unreadyDelay().toMillis());
          return CompletableFuture.supplyAsync(
              Done::getInstance,
              CompletableFuture.delayedExecutor(settings.unreadyDelay().toMillis(), TimeUnit.MILLISECONDS));
        });
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceUnbind(),
        "http-unbind",
        () ->
            binding
                .thenCompose(ServerBinding::unbind)
                .thenApply(
                    done -> {
                      log.info("shutdown: HTTP port closed");
                      return done;
                    }));
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceRequestsDone(),
        "http-requests-done",
        () ->
            binding
                .thenCompose(b -> b.terminate(settings.requestsDeadline()))
                .thenApply(
                    terminated -> {
                      log.info("shutdown: requests under way are answered; HTTP connections closed");
                      return Done.getInstance();
                    }));
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeClusterShutdown(),
        "log-cluster-leave",
        () -> {
          log.info("shutdown: handing shards over and leaving the cluster");
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "log-left",
        () -> {
          log.info("shutdown: left the cluster; stopping");
          return CompletableFuture.completedFuture(Done.getInstance());
        });
  }

  /**
   * How a node whose actor system has terminated exits: 0 when it was told to stop (a signal, or the cluster asked it
   * to leave), {@link ExitCode#DOWNED} when the cluster downed it, so that a supervisor restarts it, else 1.
   */
  public static ExitCode exitCode(ActorSystem<?> system) {
    Optional<CoordinatedShutdown.Reason> reason = CoordinatedShutdown.get(system).getShutdownReason();
    if (reason.isEmpty()) {
      return ExitCode.FAILED;
    }
    if (reason.get() instanceof SignalReason || reason.get().equals(CoordinatedShutdown.clusterLeavingReason())) {
      return ExitCode.STOPPED;
    }
    if (reason.get().equals(CoordinatedShutdown.clusterDowningReason())
        || reason.get().equals(CoordinatedShutdown.clusterJoinUnsuccessfulReason())) {
      return ExitCode.DOWNED;
    }
    return ExitCode.FAILED;
  }

  /**
   * SIGTERM and SIGINT run the coordinated shutdown themselves rather than through the JVM's shutdown hook, so the
   * process exits with code 0 (the hook path exits 143); if the stop takes longer than the deadline the process is
   * halted with code 1.
   */
  public static void onSignals(ActorSystem<?> system, ShutdownSettings settings) {
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(name),
          signal -> {
            log.info("SIG{} received: stopping within {} s", name, settings.deadline().toSeconds());
            var watchdog =
                Executors.newSingleThreadScheduledExecutor(
                    r -> Thread.ofPlatform().name("flowagg-shutdown-deadline").daemon().unstarted(r));
            watchdog.schedule(
                () -> {
                  log.error("shutdown took longer than {} s; halting", settings.deadline().toSeconds());
                  Runtime.getRuntime().halt(ExitCode.FAILED.code());
                },
                settings.deadline().toMillis(),
                TimeUnit.MILLISECONDS);
            CoordinatedShutdown.get(system).run(new SignalReason(name));
          });
    }
  }
}
