package dev.flowagg.node.metrics;

import dev.flowagg.node.process.BuildInfo;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/** One node's metrics registry (one per actor system, so nodes sharing a JVM in tests keep their own numbers). */
public final class NodeMetrics implements Extension {

  private static final Id ID = new Id();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
  private final HttpMetrics http = new HttpMetrics(registry);
  private final EntityMetrics entities = new EntityMetrics(registry);

  private NodeMetrics() {
    JvmMetrics.builder().register(registry);
    BuildInfo build = BuildInfo.current();
    Info.builder()
        .name("flowagg_build_info")
        .help("The flowagg build this node runs: its version and the git commit it was built from")
        .labelNames("version", "commit")
        .register(registry)
        .setLabelValues(build.version(), build.commit());
  }

  /** The node's metrics; created on first use. */
  public static NodeMetrics get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  public HttpMetrics http() {
    return http;
  }

  public EntityMetrics entities() {
    return entities;
  }

  /** Adds metrics read at scrape time from state the node keeps anyway. */
  public void register(MultiCollector collector) {
    registry.register(collector);
  }

  /** Every metric, in the Prometheus text format. */
  public byte[] scrapeText() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      text.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static final class Id extends ExtensionId<NodeMetrics> {
    @Override
    public NodeMetrics createExtension(ActorSystem<?> system) {
      return new NodeMetrics();
    }
  }
}
