package dev.flowagg.node.settings;

import com.typesafe.config.Config;
import dev.flowagg.nativeagg.NativeMode;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.SamplingMode;
import java.time.Duration;
import java.util.Locale;

/** Settings of the NetFlow/IPFIX input: the UDP listener, decoding, pre-aggregation and delivery. */
public record IngestSettings(
    String netflowHost,
    int netflowPort,
    int receiveBufferBytes,
    NativeMode kernel,
    SamplingMode sampling,
    Duration templateLifetime,
    Duration flushInterval,
    int flushMaxEntries,
    int batchDatagrams,
    int batchBytes,
    int batches,
    int maxDeliveriesInFlight,
    Duration logInterval) {

  public boolean enabled() {
    return netflowPort != 0;
  }

  public DecoderSettings decoderSettings() {
    return DecoderSettings.defaults().withSamplingMode(sampling).withTemplateLifetime(templateLifetime);
  }

  static IngestSettings from(Config c) {
    String sampling = c.getString("sampling").trim().toUpperCase(Locale.ROOT);
    if (!sampling.equals("APPLY") && !sampling.equals("IGNORE")) {
      throw new IllegalArgumentException("FLOWAGG_SAMPLING must be apply or ignore, not '" + c.getString("sampling") + "'");
    }
    return new IngestSettings(
        c.getString("netflow-host"),
        c.getInt("netflow-port"),
        (int) c.getBytes("receive-buffer-bytes").longValue(),
        NativeMode.parse(c.getString("native")),
        SamplingMode.valueOf(sampling),
        c.getDuration("template-lifetime"),
        c.getDuration("flush-interval"),
        c.getInt("flush-max-entries"),
        c.getInt("batch-datagrams"),
        (int) c.getBytes("batch-bytes").longValue(),
        c.getInt("batches"),
        c.getInt("max-deliveries-in-flight"),
        c.getDuration("log-interval"));
  }
}
