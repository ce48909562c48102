package dev.flowagg.protocol.netflow;

import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSession;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.FlowSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A rough single-thread throughput measure of the decoder per format (not a test; run its {@code main} from the
 * test classpath). Datagrams are prepared once; templates are sent once, then data only.
 */
public final class DecoderThroughput {

  private static final IpAddress EXPORTER = IpAddress.parse("192.0.2.1");
  private static final long NOW = 1_767_225_600_000L;

  public static void main(String[] args) {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    for (ExportFormat format : ExportFormat.values()) {
      measure(format, seconds);
    }
  }

  private static void measure(ExportFormat format, int seconds) {
    List<FlowSpec> flows = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      flows.add(FlowSpec.of("10.0." + (i >> 8 & 255) + "." + (i & 255), "10.1.0." + (i % 200), 1024 + i % 50000, 443,
          6, 1500L + i, 3, NOW - i));
    }
    ExportSession session = new ExportSession(
        ExportSettings.of(format, NOW - 86_400_000L).withTemplateRefreshEvery(Integer.MAX_VALUE));
    List<byte[]> datagrams = session.encode(flows, NOW);
    NetflowDecoder decoder = new NetflowDecoder();
    long[] checksum = {0};
    FlowSink sink = f -> checksum[0] += f.bytes() + f.srcAddressLow();

    long records = 0;
    long start = System.nanoTime();
    long deadline = start + seconds * 1_000_000_000L;
    long warmupEnd = start + 1_000_000_000L;
    long measuredStart = 0;
    while (System.nanoTime() < deadline) {
      for (byte[] d : datagrams) {
        records += decoder.decode(EXPORTER, d, 0, d.length, NOW, sink);
      }
      if (measuredStart == 0 && System.nanoTime() > warmupEnd) {
        measuredStart = System.nanoTime();
        records = 0;
      }
    }
    double elapsed = (System.nanoTime() - measuredStart) / 1e9;
    ExporterStats stats = decoder.stats().snapshot().getFirst();
    System.out.printf("%-11s %6.1f M records/s  (%d records per datagram; %d flows in %d datagrams, %d errors)%n",
        format, records / elapsed / 1e6, flows.size() / datagrams.size(), stats.flows(), stats.datagrams(),
        stats.totalErrors() + (checksum[0] == 42 ? 1 : 0));
  }
}
