package dev.flowagg.protocol.netflow;

import dev.flowagg.protocol.net.IpAddress;

/**
 * One decoded flow record as the {@link FlowSink} sees it: a reused, mutable view valid only during the callback.
 *
 * <p>Addresses are kept as the two longs of {@link IpAddress} so that decoding allocates nothing;
 * {@link #srcAddress()} and {@link #dstAddress()} build the value on demand. A field the record did not carry
 * reads as 0 (the address {@code ::}).
 */
public final class DecodedFlow {

  private IpAddress exporter;
  private int version;
  private long observationDomain;
  private long srcHigh;
  private long srcLow;
  private long dstHigh;
  private long dstLow;
  private int srcPort;
  private int dstPort;
  private int protocol;
  private long bytes;
  private long packets;
  private long reverseBytes;
  private long reversePackets;
  private long endMillis;
  private double samplingRate;
  private boolean samplingApplied;

  DecodedFlow() {}

  /** The address the datagram came from, as given to the decoder. */
  public IpAddress exporter() {
    return exporter;
  }

  /** 5, 9 or 10 (IPFIX). */
  public int version() {
    return version;
  }

  /** IPFIX observation domain id, v9 source id, or v5 engine type and id ({@code type << 8 | id}). */
  public long observationDomain() {
    return observationDomain;
  }

  public long srcAddressHigh() {
    return srcHigh;
  }

  public long srcAddressLow() {
    return srcLow;
  }

  public long dstAddressHigh() {
    return dstHigh;
  }

  public long dstAddressLow() {
    return dstLow;
  }

  /** Allocates; use the high/low accessors on hot paths. */
  public IpAddress srcAddress() {
    return new IpAddress(srcHigh, srcLow);
  }

  /** Allocates; use the high/low accessors on hot paths. */
  public IpAddress dstAddress() {
    return new IpAddress(dstHigh, dstLow);
  }

  public int srcPort() {
    return srcPort;
  }

  public int dstPort() {
    return dstPort;
  }

  /** IP protocol number (6 TCP, 17 UDP, ...). */
  public int protocol() {
    return protocol;
  }

  /** Bytes from source to destination, multiplied by the sampling rate when {@link #samplingApplied()}. */
  public long bytes() {
    return bytes;
  }

  public long packets() {
    return packets;
  }

  /** RFC 5103 reverse-direction bytes; 0 when the record is not a biflow. */
  public long reverseBytes() {
    return reverseBytes;
  }

  public long reversePackets() {
    return reversePackets;
  }

  /** When the flow's last packet was seen, epoch milliseconds; the export time when the record does not say. */
  public long endMillis() {
    return endMillis;
  }

  /** The exporter's sampling rate for this record (1 in N packets); 1 when unsampled or unknown. */
  public double samplingRate() {
    return samplingRate;
  }

  /** True when bytes and packets have been multiplied by {@link #samplingRate()}. */
  public boolean samplingApplied() {
    return samplingApplied;
  }

  /** An immutable copy that outlives the callback. */
  public Snapshot snapshot() {
    return new Snapshot(exporter, version, observationDomain, srcAddress(), dstAddress(), srcPort, dstPort, protocol,
        bytes, packets, reverseBytes, reversePackets, endMillis, samplingRate, samplingApplied);
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }

  void setSource(IpAddress exporter, int version, long observationDomain) {
    this.exporter = exporter;
    this.version = version;
    this.observationDomain = observationDomain;
  }

  void setAddresses(long srcHigh, long srcLow, long dstHigh, long dstLow) {
    this.srcHigh = srcHigh;
    this.srcLow = srcLow;
    this.dstHigh = dstHigh;
    this.dstLow = dstLow;
  }

  void setTransport(int srcPort, int dstPort, int protocol) {
    this.srcPort = srcPort;
    this.dstPort = dstPort;
    this.protocol = protocol;
  }

  void setCounters(long bytes, long packets, long reverseBytes, long reversePackets) {
    this.bytes = bytes;
    this.packets = packets;
    this.reverseBytes = reverseBytes;
    this.reversePackets = reversePackets;
  }

  void setEndMillis(long endMillis) {
    this.endMillis = endMillis;
  }

  /** Records the rate and, in {@link SamplingMode#APPLY}, scales the counters already set. */
  void applySampling(double rate, SamplingMode mode) {
    samplingRate = rate;
    samplingApplied = mode == SamplingMode.APPLY && rate != 1.0;
    if (samplingApplied) {
      bytes = scale(bytes, rate);
      packets = scale(packets, rate);
      reverseBytes = scale(reverseBytes, rate);
      reversePackets = scale(reversePackets, rate);
    }
  }

  private static long scale(long count, double rate) {
    // The cast saturates at Long.MAX_VALUE instead of wrapping.
    return (long) Math.rint(count * rate);
  }

  /** A decoded flow copied out of the reused view. */
  public record Snapshot(
      IpAddress exporter,
      int version,
      long observationDomain,
      IpAddress srcAddress,
      IpAddress dstAddress,
      int srcPort,
      int dstPort,
      int protocol,
      long bytes,
      long packets,
      long reverseBytes,
      long reversePackets,
      long endMillis,
      double samplingRate,
      boolean samplingApplied) {}
}
