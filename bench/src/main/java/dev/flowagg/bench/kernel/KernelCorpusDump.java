package dev.flowagg.bench.kernel;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.classify.Prefix;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.SamplingMode;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the kernel benchmark's corpus to a file for the Rust profiling driver ({@code bench/kernel-driver}), so that
 * the native kernel can be profiled without a JVM. Usage: {@code KernelCorpusDump FORMAT KEYS FILE}.
 *
 * <p>Layout, little-endian: 7 settings words; app rule count and 4 words each; VPC rule count and 4 words each; 1024
 * service-port words; datagram count; then per datagram its length, exporter high and low, received-at millis and
 * its bytes.
 */
public final class KernelCorpusDump {

  private KernelCorpusDump() {}

  public static void main(String[] args) throws IOException {
    ExportFormat format = ExportFormat.valueOf(args[0]);
    int keys = Integer.parseInt(args[1]);
    ClassificationRules rules = KernelCorpus.rules();
    DecoderSettings s = DecoderSettings.defaults();
    List<long[]> apps = new ArrayList<>();
    rules.forEachAppRule((p, name) -> apps.add(words(p, apps.size())));
    List<long[]> vpcs = new ArrayList<>();
    rules.forEachExporterVpcRule((p, name) -> vpcs.add(words(p, vpcs.size())));
    long[] ports = new long[1024];
    for (int port = 0; port < 65536; port++) {
      if (rules.servicePorts().contains(port)) {
        ports[port >>> 6] |= 1L << port;
      }
    }
    List<byte[]> datagrams = KernelCorpus.datagrams(format, keys);
    try (OutputStream out = Files.newOutputStream(Path.of(args[2]))) {
      DataOutputStream o = new DataOutputStream(out);
      long[] settings = {s.samplingMode() == SamplingMode.APPLY ? 1 : 0, s.templateLifetime().toMillis(),
          s.maxTemplatesPerExporter(), s.maxFieldsPerTemplate(), s.maxPendingSetsPerExporter(),
          s.maxPendingBytesPerExporter(), s.maxPendingAge().toMillis()};
      for (long w : settings) {
        o.write(le(w));
      }
      for (List<long[]> rs : List.of(apps, vpcs)) {
        o.write(le(rs.size()));
        for (long[] r : rs) {
          for (long w : r) {
            o.write(le(w));
          }
        }
      }
      for (long w : ports) {
        o.write(le(w));
      }
      o.write(le(datagrams.size()));
      for (byte[] d : datagrams) {
        o.write(le(d.length));
        o.write(le(KernelCorpus.EXPORTER.high()));
        o.write(le(KernelCorpus.EXPORTER.low()));
        o.write(le(KernelCorpus.START_MILLIS));
        o.write(d);
      }
      o.flush();
    }
  }

  private static long[] words(Prefix prefix, int index) {
    return new long[] {prefix.network().high(), prefix.network().low(), prefix.length(), index};
  }

  private static byte[] le(long w) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(w).array();
  }
}
