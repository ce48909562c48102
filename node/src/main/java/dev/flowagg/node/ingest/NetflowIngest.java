package dev.flowagg.node.ingest;

import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.nativeagg.FlowKernel;
import dev.flowagg.nativeagg.FlowKernels;
import dev.flowagg.nativeagg.NativeLibraryLoader;
import dev.flowagg.nativeagg.NativeMode;
import dev.flowagg.nativeagg.NativeUdpSocket;
import dev.flowagg.node.aggregate.FlowWriter;
import dev.flowagg.node.settings.Classification;
import dev.flowagg.node.settings.IngestSettings;
import dev.flowagg.node.settings.NativeReceive;
import dev.flowagg.node.settings.RetentionSettings;
import dev.flowagg.node.templates.TemplateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the NetFlow input: the batch pool, the kernel, the ingest actor and the UDP receiver feeding it. */
public final class NetflowIngest {

  private static final Logger log = LoggerFactory.getLogger(NetflowIngest.class);

  private NetflowIngest() {}

  /** The kernel the settings ask for (FLOWAGG_NATIVE), made before the node starts so {@code on} can stop it. */
  public static FlowKernel kernelFor(IngestSettings settings, Classification classification) {
    if (!settings.enabled()) {
      return null;
    }
    if (settings.kernel() != NativeMode.OFF && !NativeLibraryLoader.prefer(settings.nativeCpu())) {
      log.warn("FLOWAGG_NATIVE_CPU={} applies from the next start: this JVM already loaded the {} build",
          settings.nativeCpu(), NativeLibraryLoader.build());
    }
    FlowKernel kernel = FlowKernels.create(settings.kernel(), settings.decoderSettings(), classification.rules());
    log.debug("NetFlow decode-and-aggregate kernel: {}{} (FLOWAGG_NATIVE={})", kernel.kind().label(),
        kernel.kind() == FlowKernel.Kind.NATIVE ? ", built for " + NativeLibraryLoader.build() : "",
        settings.kernel().name().toLowerCase(java.util.Locale.ROOT));
    return kernel;
  }

  /**
   * How the socket is read: the native library's batched receive when the kernel is native (it is loaded then) and
   * FLOWAGG_NATIVE_RECEIVE is auto, on Linux; else a Java channel.
   */
  static UdpReceiver.Path receivePath(IngestSettings settings, FlowKernel kernel) {
    return settings.nativeReceive() == NativeReceive.AUTO && kernel.kind() == FlowKernel.Kind.NATIVE
            && NativeUdpSocket.isSupported()
        ? UdpReceiver.Path.NATIVE
        : UdpReceiver.Path.JAVA;
  }

  private static UdpReceiver startReceiver(
      IngestSettings settings, FlowKernel kernel, BatchPool pool, IngestCounters counters,
      ExporterAllowList allowList, Consumer<DatagramBatch> handOff) {
    UdpReceiver.Path path = receivePath(settings, kernel);
    String where = "udp " + settings.netflowHost() + ":" + settings.netflowPort();
    if (path == UdpReceiver.Path.NATIVE) {
      try {
        return UdpReceiver.start(path, settings.netflowHost(), settings.netflowPort(), settings.receiveBufferBytes(),
            pool, counters, allowList, handOff);
      } catch (IOException | RuntimeException | LinkageError e) {
        log.warn("NetFlow batched receive unavailable on {} ({}); reading the socket with a Java channel", where,
            e.toString());
      }
    }
    try {
      return UdpReceiver.start(UdpReceiver.Path.JAVA, settings.netflowHost(), settings.netflowPort(),
          settings.receiveBufferBytes(), pool, counters, allowList, handOff);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for NetFlow on " + where, e);
    }
  }

  /**
   * Starts the input; on shutdown the receiver stops first (service-unbind), then the pending deltas are delivered
   * within {@code flushDeadline} (service-stop), while the entities are still there.
   */
  public static IngestStatus start(
      ActorContext<?> ctx, IngestSettings settings, RetentionSettings retention, java.nio.file.Path dataDir,
      FlowKernel kernel, FlowWriter writer, TemplateStore templates, Duration flushDeadline) {
    if (!settings.enabled()) {
      log.debug("NetFlow/IPFIX listener disabled (FLOWAGG_NETFLOW_PORT=0)");
      return IngestStatus.disabled();
    }
    IngestCounters counters = new IngestCounters();
    BatchPool pool = new BatchPool(settings.batches(), settings.batchDatagrams(), settings.batchBytes());
    DeliveryLog deliveryLog = null;
    DeliveryLog.Recovered recovered = null;
    if (settings.logPending()) {
      try {
        deliveryLog = DeliveryLog.open(dataDir.resolve("netflow-log"));
        recovered = deliveryLog.recover();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the NetFlow delivery log under " + dataDir
            + " (FLOWAGG_DATA_DIR): " + e.getMessage(), e);
      }
    }
    ActorRef<IngestActor.Command> actor =
        ctx.spawn(
            IngestActor.create(kernel, pool, writer, settings, retention, counters, templates, deliveryLog, recovered),
            "netflow-ingest",
            DispatcherSelector.fromConfig("flowagg-ingest-dispatcher"));
    ExporterAllowList allowList = ExporterAllowList.of(settings.netflowAllow());
    if (allowList.admitsAll()) {
      log.debug("NetFlow accepted from every exporter (FLOWAGG_NETFLOW_ALLOW is unset)");
    } else {
      log.debug("NetFlow accepted only from {} (FLOWAGG_NETFLOW_ALLOW)", allowList.prefixes());
    }
    UdpReceiver receiver = startReceiver(settings, kernel, pool, counters, allowList,
        batch -> actor.tell(new IngestActor.Received(batch)));
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(ctx.getSystem());
    shutdown.addTask(
            CoordinatedShutdown.PhaseServiceUnbind(),
            "stop-netflow-receiver",
            () -> {
              receiver.close();
              log.info("shutdown: NetFlow receiver stopped after {} datagrams", counters.datagramsReceived.get());
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    shutdown.addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "deliver-pending-netflow",
            () ->
                AskPattern.<IngestActor.Command, IngestActor.Drained>ask(
                        actor, IngestActor.Drain::new, flushDeadline, ctx.getSystem().scheduler())
                    .handle(
                        (drained, failure) -> {
                          if (failure != null) {
                            log.warn(
                                "shutdown: NetFlow deltas not all delivered within {} ms ({} entries pending, {} "
                                    + "in the delivery under way)",
                                flushDeadline.toMillis(), counters.pendingEntries.get(),
                                counters.inFlightEntries.get());
                          } else {
                            log.info(
                                "shutdown: NetFlow delivered ({} entries in the last flush; {} flows received in all)",
                                drained.entriesDelivered(), counters.flows.get());
                          }
                          return Done.getInstance();
                        }));
    return new IngestStatus(
        true, receiver.port(), receiver.path().label(), kernel.kind(), counters, kernel::stats, kernel::timings,
        settings.maxPendingEntries());
  }
}
