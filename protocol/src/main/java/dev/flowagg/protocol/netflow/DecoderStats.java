package dev.flowagg.protocol.netflow;

import dev.flowagg.protocol.net.IpAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The counters of one {@link NetflowDecoder}, per exporter and version; safe to read from any thread. */
public final class DecoderStats {

  private static final Comparator<ExporterStats> ORDER =
      Comparator.comparing(ExporterStats::exporter).thenComparingInt(ExporterStats::version);

  private final ConcurrentHashMap<IpAddress, ExporterCounters> exporters = new ConcurrentHashMap<>();

  DecoderStats() {}

  ExporterCounters countersOf(IpAddress exporter) {
    return exporters.computeIfAbsent(exporter, ExporterCounters::new);
  }

  /** Current counters of every exporter and version seen, ordered by exporter then version. */
  public List<ExporterStats> snapshot() {
    return collect(false);
  }

  /** Current counters, and restart them at 0 (the waiting-sets gauge keeps its value). */
  public List<ExporterStats> snapshotAndReset() {
    return collect(true);
  }

  /** The counters of one exporter and version; all zero when it has not been seen. */
  public ExporterStats of(IpAddress exporter, int version) {
    ExporterCounters counters = exporters.get(exporter);
    if (counters != null) {
      List<ExporterStats> all = new ArrayList<>(4);
      counters.snapshotInto(all, false);
      for (ExporterStats s : all) {
        if (s.version() == version) {
          return s;
        }
      }
    }
    return new ExporterStats(exporter, version, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());
  }

  private List<ExporterStats> collect(boolean reset) {
    List<ExporterStats> out = new ArrayList<>();
    for (ExporterCounters counters : exporters.values()) {
      counters.snapshotInto(out, reset);
    }
    out.sort(ORDER);
    return out;
  }
}
