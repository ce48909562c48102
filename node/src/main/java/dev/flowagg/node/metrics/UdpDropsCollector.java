package dev.flowagg.node.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Datagrams the OS dropped before the node could read them, where the OS reports it (Linux {@code /proc/net}): the
 * network namespace's UDP receive-buffer errors, and the drops counted on the NetFlow socket's port.
 */
public final class UdpDropsCollector implements MultiCollector {

  private static final Path SNMP = Path.of("/proc/net/snmp");
  private static final List<Path> SOCKETS = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

  private final int port;

  public UdpDropsCollector(int port) {
    this.port = port;
  }

  /** Whether this OS reports UDP drops the way this collector reads them. */
  public static boolean supported() {
    return Files.isReadable(SNMP) && Files.isReadable(SOCKETS.getFirst());
  }

  @Override
  public MetricSnapshots collect() {
    List<MetricSnapshot> out = new ArrayList<>();
    long bufferErrors = receiveBufferErrors();
    if (bufferErrors >= 0) {
      out.add(new ScrapedFamily("flowagg_udp_receive_buffer_errors",
          "UDP datagrams the OS dropped for a full receive buffer, all sockets of this network namespace")
          .add(bufferErrors).counter());
    }
    long socketDrops = socketDrops();
    if (socketDrops >= 0) {
      out.add(new ScrapedFamily("flowagg_udp_socket_drops",
          "Datagrams the OS dropped on the NetFlow socket before the node read them", "port")
          .add(socketDrops, Integer.toString(port)).counter());
    }
    return new MetricSnapshots(out);
  }

  /** {@code RcvbufErrors} of the {@code Udp:} lines (a header line, then a values line); -1 if unreadable. */
  private static long receiveBufferErrors() {
    try {
      List<String> lines = Files.readAllLines(SNMP);
      for (int i = 0; i + 1 < lines.size(); i++) {
        if (lines.get(i).startsWith("Udp: ") && lines.get(i + 1).startsWith("Udp: ")) {
          String[] names = lines.get(i).trim().split("\\s+");
          String[] values = lines.get(i + 1).trim().split("\\s+");
          for (int f = 1; f < names.length && f < values.length; f++) {
            if (names[f].equals("RcvbufErrors")) {
              return Long.parseLong(values[f]);
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** The {@code drops} column (the last) of the sockets bound to the port, IPv4 and IPv6; -1 if none is listed. */
  private long socketDrops() {
    String hexPort = ":%04X".formatted(port);
    long drops = -1;
    for (Path table : SOCKETS) {
      try {
        for (String line : Files.readAllLines(table)) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 3 && f[1].endsWith(hexPort) && !f[0].equals("sl")) {
            drops = Math.max(drops, 0) + Long.parseLong(f[f.length - 1]);
          }
        }
      } catch (IOException | RuntimeException e) {
        // Not every kernel has udp6; what was read still counts.
      }
    }
    return drops;
  }
}
