package dev.flowagg.nativeagg;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.classify.ServicePorts;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSession;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.FlowSpec;
import dev.flowagg.protocol.netflow.encode.NetflowV5DatagramBuilder;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/** Datagram streams for the kernel tests: golden captures, encoded random traffic, and mutations of both. */
final class Corpora {

  /** 2025-01-01T00:00:00Z. */
  static final long START_MILLIS = 1_735_689_600_000L;
  static final IpAddress LOOPBACK = IpAddress.parse("127.0.0.1");
  static final IpAddress[] EXPORTERS = {
    IpAddress.parse("198.51.100.1"), IpAddress.parse("198.51.100.2"), IpAddress.parse("203.0.113.7"),
    IpAddress.parse("2001:db8::99")};

  private Corpora() {}

  /** Rules with nested and overlapping prefixes of both families, exporter VPCs, and an extra service port. */
  static ClassificationRules rules() {
    return ClassificationRules.builder()
        .app("10.0.0.0/8", "corp")
        .app("10.1.0.0/16", "billing")
        .app("10.1.7.0/24", "billing-db")
        .app("192.0.2.0/25", "web")
        .app("2001:db8:7::/48", "web")
        .app("2001:db8:7:1::/64", "web-canary")
        .exporterVpc("198.51.100.0/24", "vpc-east")
        .exporterVpc("2001:db8::/32", "vpc-v6")
        .servicePorts(ServicePorts.defaults().with(7000))
        .build();
  }

  /** Small waiting-room and template bounds, so that they fill, overflow and expire in long runs. */
  static DecoderSettings tightSettings() {
    return DecoderSettings.defaults().withTemplateLifetime(Duration.ofSeconds(30))
        .withPendingLimits(64, 64 << 10, Duration.ofSeconds(2));
  }

  /** A golden capture from the test resources, every datagram from loopback, 10 ms apart. */
  static List<Exported> golden(String name) {
    List<Exported> out = new ArrayList<>();
    try (InputStream raw = Corpora.class.getResourceAsStream("/golden/" + name);
        DataInputStream in = new DataInputStream(raw)) {
      if (raw == null) {
        throw new IllegalStateException("missing golden capture " + name);
      }
      long at = START_MILLIS;
      while (true) {
        int length;
        try {
          length = in.readInt();
        } catch (EOFException end) {
          return out;
        }
        out.add(new Exported(LOOPBACK, in.readNBytes(length), at += 10));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Random traffic of one format from several exporters and domains: random sampling rates, template refresh and
   * datagram sizes, IPv6 and biflows where the format has them, flows ending over several hours, and some datagrams
   * moved ahead of the templates they need.
   */
  static List<Exported> random(ExportFormat format, int flowsPerExporter, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Exported> out = new ArrayList<>();
    for (IpAddress exporter : EXPORTERS) {
      for (long domain = 0; domain < 2; domain++) {
        ExportSettings settings = ExportSettings.of(format, START_MILLIS - 7_200_000)
            .withObservationDomain(format == ExportFormat.NETFLOW_V5 ? 0 : domain)
            .withSamplingRate(new int[] {1, 1, 4, 100}[random.nextInt(4)])
            .withTemplateRefreshEvery(1 + random.nextInt(10))
            .withMaxDatagramBytes(200 + random.nextInt(1400));
        ExportSession session = new ExportSession(settings);
        List<FlowSpec> flows = new ArrayList<>();
        for (int i = 0; i < flowsPerExporter; i++) {
          flows.add(randomFlow(format, random));
        }
        long exportAt = START_MILLIS + random.nextInt(3_600_000);
        List<byte[]> datagrams = new ArrayList<>(session.encode(flows, exportAt));
        // Data before its template: the waiting room.
        if (datagrams.size() > 3 && random.nextBoolean()) {
          Collections.swap(datagrams, 0, 1 + random.nextInt(datagrams.size() - 1));
        }
        long at = exportAt;
        for (byte[] d : datagrams) {
          out.add(new Exported(exporter, d, at += random.nextInt(50)));
        }
      }
    }
    out.sort((a, b) -> Long.compare(a.receivedAtMillis(), b.receivedAtMillis()));
    return out;
  }

  private static FlowSpec randomFlow(ExportFormat format, SplittableRandom random) {
    boolean v6 = format != ExportFormat.NETFLOW_V5 && random.nextInt(4) == 0;
    String src = v6 ? v6Address(random) : v4Address(random);
    String dst = v6 ? v6Address(random) : v4Address(random);
    int[] ports = {80, 443, 7000, 5432, 53, 40_000 + random.nextInt(1000), 1024 + random.nextInt(60_000)};
    FlowSpec flow = FlowSpec.of(src, dst, ports[random.nextInt(ports.length)], ports[random.nextInt(ports.length)],
        random.nextBoolean() ? 6 : 17, 40 + random.nextLong(1_000_000), 1 + random.nextInt(1000),
        START_MILLIS - random.nextLong(3 * 3_600_000L));
    return format == ExportFormat.IPFIX && random.nextInt(3) == 0
        ? flow.withReverse(random.nextLong(500_000), 1 + random.nextInt(100)) : flow;
  }

  private static String v4Address(SplittableRandom random) {
    return switch (random.nextInt(5)) {
      case 0 -> "10.1.7." + random.nextInt(256);
      case 1 -> "10.1." + random.nextInt(256) + "." + random.nextInt(256);
      case 2 -> "10." + random.nextInt(4) + ".0." + random.nextInt(8);
      case 3 -> "192.0.2." + random.nextInt(256);
      default -> "203.0.113." + random.nextInt(64);
    };
  }

  private static String v6Address(SplittableRandom random) {
    return switch (random.nextInt(3)) {
      case 0 -> "2001:db8:7:1::" + Integer.toHexString(random.nextInt(65536));
      case 1 -> "2001:db8:7:" + Integer.toHexString(random.nextInt(16)) + "::1";
      default -> "2001:db8:99::" + Integer.toHexString(random.nextInt(256));
    };
  }

  /**
   * Garbage behind plausible NetFlow v5 headers: version 5, a count of 1 to 30 and the length it implies, a clock
   * that is set and an uptime of an hour to 40 days, then records of random bytes.
   */
  static List<Exported> v5Garbage(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Exported> out = new ArrayList<>(count);
    long at = START_MILLIS;
    for (int i = 0; i < count; i++) {
      int records = 1 + random.nextInt(30);
      long uptime = 3_600_000L + random.nextLong(40 * 86_400_000L);
      byte[] header = NetflowV5DatagramBuilder.create().declaredCount(records).sysUptimeMillis(uptime)
          .exportTimeMillis(at).build();
      byte[] d = Arrays.copyOf(header, header.length + records * 48);
      byte[] body = new byte[records * 48];
      random.nextBytes(body);
      System.arraycopy(body, 0, d, header.length, body.length);
      out.add(new Exported(EXPORTERS[random.nextInt(EXPORTERS.length)], d, at += random.nextInt(3)));
    }
    return out;
  }

  /** Valid datagrams mutated (bit flips, truncation, corrupted length and count fields) and random bytes. */
  static List<Exported> mutated(List<Exported> seeds, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Exported> out = new ArrayList<>(count);
    long at = START_MILLIS;
    for (int i = 0; i < count; i++) {
      byte[] d = random.nextInt(10) == 0 ? randomBytes(random)
          : mutate(seeds.get(random.nextInt(seeds.size())).payload(), random);
      at += random.nextInt(3);
      out.add(new Exported(EXPORTERS[random.nextInt(EXPORTERS.length)], d, at));
    }
    return out;
  }

  private static byte[] randomBytes(SplittableRandom random) {
    byte[] d = new byte[random.nextInt(200)];
    random.nextBytes(d);
    if (d.length >= 2 && random.nextBoolean()) {
      d[0] = 0;
      d[1] = (byte) new int[] {5, 9, 10}[random.nextInt(3)];
    }
    return d;
  }

  private static byte[] mutate(byte[] valid, SplittableRandom random) {
    byte[] d = valid.clone();
    return switch (random.nextInt(4)) {
      case 0 -> flipBits(d, random);
      case 1 -> Arrays.copyOf(d, random.nextInt(d.length + 1));
      case 2 -> overwriteShort(d, random);
      default -> flipBits(overwriteShort(Arrays.copyOf(d, d.length - random.nextInt(Math.min(d.length, 8) + 1)),
          random), random);
    };
  }

  private static byte[] flipBits(byte[] d, SplittableRandom random) {
    for (int i = 0, flips = 1 + random.nextInt(8); i < flips && d.length > 0; i++) {
      int bit = random.nextInt(d.length * 8);
      d[bit / 8] ^= (byte) (1 << (bit % 8));
    }
    return d;
  }

  /** Writes a suspicious 16-bit value (0, 1, 4, 0xFFFF, ...) at an even offset: header counts, set and field lengths. */
  private static byte[] overwriteShort(byte[] d, SplittableRandom random) {
    if (d.length < 4) {
      return d;
    }
    int offset = 2 * random.nextInt(d.length / 2 - 1) + (random.nextInt(8) == 0 ? 1 : 0);
    int[] values = {0, 1, 3, 4, 5, 255, 256, 0x7FFF, 0x8000, 0xFFFF, random.nextInt(65536)};
    int v = values[random.nextInt(values.length)];
    d[offset] = (byte) (v >>> 8);
    d[offset + 1] = (byte) v;
    return d;
  }
}
