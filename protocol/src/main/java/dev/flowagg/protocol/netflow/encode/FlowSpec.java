package dev.flowagg.protocol.netflow.encode;

import dev.flowagg.protocol.net.IpAddress;

/**
 * A flow to export, described simply: addresses, ports, protocol, counts, end time, and optional RFC 5103 reverse
 * counts (0 when the flow is not a biflow).
 */
public record FlowSpec(
    IpAddress src,
    IpAddress dst,
    int srcPort,
    int dstPort,
    int protocol,
    long bytes,
    long packets,
    long endMillis,
    long reverseBytes,
    long reversePackets) {

  public static FlowSpec of(String src, String dst, int srcPort, int dstPort, int protocol, long bytes, long packets,
      long endMillis) {
    return new FlowSpec(IpAddress.parse(src), IpAddress.parse(dst), srcPort, dstPort, protocol, bytes, packets,
        endMillis, 0, 0);
  }

  public FlowSpec withReverse(long bytes, long packets) {
    return new FlowSpec(src, dst, srcPort, dstPort, protocol, this.bytes, this.packets, endMillis, bytes, packets);
  }

  public boolean isBiflow() {
    return reverseBytes != 0 || reversePackets != 0;
  }

  /** True when either address needs IPv6 fields. */
  public boolean isIpv6() {
    return !src.isV4() || !dst.isV4();
  }
}
