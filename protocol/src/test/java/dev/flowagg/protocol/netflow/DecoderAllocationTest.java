package dev.flowagg.protocol.netflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSession;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.FlowSpec;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Decoding known-template datagrams allocates nothing per record (the sink sees one reused view). */
class DecoderAllocationTest {

  private static final long NOW = 1_767_225_600_000L;
  private static final IpAddress EXPORTER = IpAddress.parse("192.0.2.1");

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void steadyStateDecodingAllocatesNothingPerRecord(ExportFormat format) {
    List<FlowSpec> flows = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      String dst = format != ExportFormat.NETFLOW_V5 && i % 2 == 0 ? "2001:db8::" + i % 100 : "10.1.0." + i % 200;
      flows.add(FlowSpec.of("10.0.0." + i % 250, dst, i, 443, 6, i, 1, NOW - i));
    }
    List<byte[]> datagrams = new ExportSession(ExportSettings.of(format, NOW - 1_000_000).withSamplingRate(4))
        .encode(flows, NOW);
    NetflowDecoder decoder = new NetflowDecoder();
    long[] sum = {0};
    FlowSink sink = f -> sum[0] += f.bytes();
    for (int round = 0; round < 50; round++) {
      decodeAll(decoder, datagrams, sink);
    }

    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    int rounds = 20;
    for (int round = 0; round < rounds; round++) {
      decodeAll(decoder, datagrams, sink);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(sum[0]).isPositive();
    assertThat((double) allocated / (rounds * flows.size())).as("bytes allocated per record").isLessThan(1.0);
  }

  private static void decodeAll(NetflowDecoder decoder, List<byte[]> datagrams, FlowSink sink) {
    for (byte[] d : datagrams) {
      decoder.decode(EXPORTER, d, 0, d.length, NOW, sink);
    }
  }
}
