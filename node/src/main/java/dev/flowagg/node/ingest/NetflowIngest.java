package dev.flowagg.node.ingest;

import dev.flowagg.nativeagg.FlowKernel;
import dev.flowagg.nativeagg.JavaFlowKernel;
import dev.flowagg.node.aggregate.FlowWriter;
import dev.flowagg.node.settings.Classification;
import dev.flowagg.node.settings.IngestSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the NetFlow input: the batch pool, the kernel, the ingest actor and the UDP receiver feeding it. */
public final class NetflowIngest {

  private static final Logger log = LoggerFactory.getLogger(NetflowIngest.class);

  private NetflowIngest() {}

  public static IngestStatus start(
      ActorContext<?> ctx, IngestSettings settings, Classification classification, FlowWriter writer) {
    if (!settings.enabled()) {
      log.info("NetFlow/IPFIX listener disabled (FLOWAGG_NETFLOW_PORT=0)");
      return IngestStatus.disabled();
    }
    IngestCounters counters = new IngestCounters();
    BatchPool pool = new BatchPool(settings.batches(), settings.batchDatagrams(), settings.batchBytes());
    FlowKernel kernel = new JavaFlowKernel(settings.decoderSettings(), classification.rules());
    log.info("NetFlow kernel: {}", kernel.kind().label());
    ActorRef<IngestActor.Command> actor =
        ctx.spawn(IngestActor.create(kernel, pool, writer, settings, counters), "netflow-ingest");
    UdpReceiver receiver;
    try {
      receiver =
          UdpReceiver.start(
              settings.netflowHost(), settings.netflowPort(), settings.receiveBufferBytes(), pool, counters,
              batch -> actor.tell(new IngestActor.Received(batch)));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for NetFlow on udp " + settings.netflowHost() + ":" + settings.netflowPort(), e);
    }
    CoordinatedShutdown.get(ctx.getSystem())
        .addTask(
            CoordinatedShutdown.PhaseServiceUnbind(),
            "stop-netflow-receiver",
            () -> {
              receiver.close();
              return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
            });
    return new IngestStatus(true, receiver.port(), kernel.kind(), counters, kernel::stats);
  }
}
