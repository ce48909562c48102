package dev.flowagg.bench.kernel;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSession;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.FlowSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The kernel benchmark's rules and datagrams, shared by {@link FlowKernelBenchmark} and {@link KernelCorpusDump}. */
final class KernelCorpus {

  static final long START_MILLIS = 1_735_689_600_000L;
  static final IpAddress EXPORTER = IpAddress.parse("198.51.100.1");

  private KernelCorpus() {}

  static ClassificationRules rules() {
    return ClassificationRules.builder().app("10.1.0.0/16", "billing").app("10.2.0.0/16", "web")
        .exporterVpc("198.51.100.0/24", "vpc-east").build();
  }

  /** Datagrams of at least 20 000 flows over {@code distinctKeys} distinct (client, server) pairs outside the rules. */
  static List<byte[]> datagrams(ExportFormat format, int distinctKeys) {
    SplittableRandom random = new SplittableRandom(7);
    List<FlowSpec> flows = new ArrayList<>();
    int total = Math.max(distinctKeys, 20_000);
    for (int i = 0; i < total; i++) {
      int k = i % distinctKeys;
      String client = "172.16." + (k >>> 8 & 0xFF) + "." + (k & 0xFF);
      String server = "192.0.2." + (k >>> 16 & 0xFF);
      FlowSpec flow = FlowSpec.of(client, server, 40_000 + random.nextInt(20_000), 443, 6,
          100 + random.nextInt(100_000), 1 + random.nextInt(100), START_MILLIS - random.nextInt(600_000));
      flows.add(format == ExportFormat.IPFIX && i % 4 == 0 ? flow.withReverse(random.nextInt(50_000), 3) : flow);
    }
    ExportSession session = new ExportSession(ExportSettings.of(format, START_MILLIS - 3_600_000));
    return session.encode(flows, START_MILLIS);
  }
}
