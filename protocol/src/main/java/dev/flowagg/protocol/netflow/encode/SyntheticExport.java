package dev.flowagg.protocol.netflow.encode;

import dev.flowagg.protocol.net.IpAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Synthetic traffic exported by one or more simulated exporters: hands out the datagrams chunk by chunk, round
 * robin over the exporters, and keeps the {@link ExpectedTotals} of everything handed out.
 *
 * <p>Exporter {@code k} has observation domain (v9 source id, v5 engine id) {@code k}, its own sequence numbers and
 * templates. Each chunk's export time is a moment after the last end time in it, so uptime-relative times decode
 * to exactly the generated end times. Not thread-safe.
 */
public final class SyntheticExport {

  /** Datagrams of one exporter carrying {@code records} flow records, exported at {@code exportMillis}. */
  public record Chunk(int exporter, IpAddress exporterAddress, List<byte[]> datagrams, int records,
      long exportMillis) {}

  private static final long EXPORT_DELAY_MILLIS = 700;
  private static final Comparator<FlowSpec> BY_TEMPLATE =
      Comparator.comparing(FlowSpec::isIpv6).thenComparing(FlowSpec::isBiflow);

  private final SyntheticTraffic traffic;
  private final List<IpAddress> exporters;
  private final List<ExportSession> sessions = new ArrayList<>();
  private final int samplingRate;
  private final int recordsPerChunk;
  private final ExpectedTotals totals;
  private int nextExporter;
  private long datagrams;

  /**
   * @param settings format, sampling, template refresh and datagram size of every exporter (domain and boot time
   *     are set here)
   * @param exporters each exporter's address as the collector will see it; the same address may appear repeatedly
   * @param recordsPerChunk records per chunk: a few datagrams' worth
   */
  public SyntheticExport(SyntheticTraffic traffic, ExportSettings settings, List<IpAddress> exporters,
      int recordsPerChunk, ExpectedTotals totals) {
    if (traffic.shape().biflow() && settings.format() != ExportFormat.IPFIX) {
      throw new IllegalArgumentException("biflows need IPFIX");
    }
    if (traffic.shape().ipv6Share() > 0 && settings.format() == ExportFormat.NETFLOW_V5) {
      throw new IllegalArgumentException("NetFlow v5 carries IPv4 only");
    }
    if (exporters.isEmpty() || exporters.size() > 255 || recordsPerChunk < 1) {
      throw new IllegalArgumentException("1 to 255 exporters, at least 1 record per chunk");
    }
    this.traffic = traffic;
    this.exporters = List.copyOf(exporters);
    this.samplingRate = settings.samplingRate();
    this.recordsPerChunk = recordsPerChunk;
    this.totals = totals;
    // Booted an hour before the first flow ends: uptimes stay far from the 32-bit wrap.
    long boot = traffic.shape().startMillis() - 3_600_000L;
    for (int k = 0; k < exporters.size(); k++) {
      sessions.add(new ExportSession(new ExportSettings(settings.format(), k, boot, settings.templateRefreshEvery(),
          settings.samplingRate(), settings.maxDatagramBytes())));
    }
  }

  public boolean hasNext() {
    return traffic.hasNext();
  }

  /** The next chunk; only while {@link #hasNext()}. */
  public Chunk next() {
    List<FlowSpec> flows = new ArrayList<>(traffic.next(recordsPerChunk));
    int k = nextExporter;
    nextExporter = (nextExporter + 1) % sessions.size();
    IpAddress exporter = exporters.get(k);
    long lastEnd = Long.MIN_VALUE;
    for (FlowSpec f : flows) {
      totals.add(f, exporter, samplingRate);
      lastEnd = Math.max(lastEnd, f.endMillis());
    }
    // One run per template packs the datagrams fuller; order within a chunk does not matter to a collector.
    flows.sort(BY_TEMPLATE);
    long exportMillis = lastEnd + EXPORT_DELAY_MILLIS;
    List<byte[]> out = sessions.get(k).encode(flows, exportMillis);
    datagrams += out.size();
    return new Chunk(k, exporter, out, flows.size(), exportMillis);
  }

  /** Datagrams handed out so far. */
  public long datagrams() {
    return datagrams;
  }

  public ExpectedTotals totals() {
    return totals;
  }
}
