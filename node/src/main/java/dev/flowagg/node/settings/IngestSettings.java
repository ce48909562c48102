package dev.flowagg.node.settings;

import dev.flowagg.nativeagg.NativeLibraryLoader;
import dev.flowagg.nativeagg.NativeMode;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.SamplingMode;
import dev.flowagg.protocol.classify.Prefix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Settings of the NetFlow/IPFIX input: the UDP listener, decoding, pre-aggregation and delivery. */
public record IngestSettings(
    String netflowHost,
    int netflowPort,
    int receiveBufferBytes,
    List<Prefix> netflowAllow,
    NativeMode kernel,
    NativeReceive nativeReceive,
    String nativeCpu,
    SamplingMode sampling,
    Duration templateLifetime,
    Duration flushInterval,
    Duration maxFlushInterval,
    double storeShare,
    int maxPendingEntries,
    boolean logPending,
    int batchDatagrams,
    int batchBytes,
    int batches,
    Duration logInterval) {

  public boolean enabled() {
    return netflowPort != 0;
  }

  public DecoderSettings decoderSettings() {
    return DecoderSettings.defaults().withSamplingMode(sampling).withTemplateLifetime(templateLifetime);
  }

  static IngestSettings from(FlowaggConfig c) {
    String sampling = c.getString("sampling").trim().toUpperCase(Locale.ROOT);
    if (!sampling.equals("APPLY") && !sampling.equals("IGNORE")) {
      throw new IllegalArgumentException("FLOWAGG_SAMPLING must be apply or ignore, not '" + c.getString("sampling") + "'");
    }
    return new IngestSettings(
        c.getString("netflow-host"),
        c.getPort("netflow-port"),
        (int) c.getBytes("receive-buffer-bytes").longValue(),
        parseAllowList(c.getString("netflow-allow")),
        NativeMode.parse(c.getString("native")),
        NativeReceive.parse(c.getString("native-receive")),
        NativeLibraryLoader.checkedBuildSetting(c.getString("native-cpu")),
        SamplingMode.valueOf(sampling),
        c.getDuration("template-lifetime"),
        c.getDuration("flush-interval"),
        c.getDuration("max-flush-interval"),
        storeShare(c.getString("store-share")),
        c.getInt("max-pending-entries"),
        c.getBoolean("log-pending"),
        c.getInt("batch-datagrams"),
        (int) c.getBytes("batch-bytes").longValue(),
        c.getInt("batches"),
        c.getDuration("log-interval"));
  }

  /** A share of the time in (0, 1], written {@code 0.25} or {@code 25%}. */
  static double storeShare(String text) {
    String t = text.strip();
    double share;
    try {
      share = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).strip()) / 100 : Double.parseDouble(t);
    } catch (NumberFormatException e) {
      share = Double.NaN;
    }
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException(
          "FLOWAGG_STORE_SHARE must be a share of the time above 0 and at most 1 (or 100%), not '" + text + "'");
    }
    return share;
  }

  /** {@code "10.0.0.0/8, 2001:db8::/32, 192.0.2.7"} into prefixes; empty means every exporter is allowed. */
  static List<Prefix> parseAllowList(String commaSeparated) {
    List<Prefix> prefixes = new ArrayList<>();
    for (String entry : commaSeparated.split(",")) {
      String cidr = entry.strip();
      if (cidr.isEmpty()) {
        continue;
      }
      try {
        prefixes.add(Prefix.parse(cidr));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "FLOWAGG_NETFLOW_ALLOW: '" + cidr + "' is not an address or CIDR prefix: " + e.getMessage());
      }
    }
    return List.copyOf(prefixes);
  }
}
