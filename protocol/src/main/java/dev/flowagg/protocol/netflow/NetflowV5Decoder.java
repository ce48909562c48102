package dev.flowagg.protocol.netflow;

import dev.flowagg.protocol.netflow.ExporterCounters.Counter;

/** NetFlow v5: a fixed 24-byte header and up to 30 fixed 48-byte records, no templates. */
final class NetflowV5Decoder {

  static final int HEADER_LENGTH = 24;
  static final int RECORD_LENGTH = 48;
  static final int MAX_RECORDS = 30;
  private static final long V4_MAPPED_PREFIX = 0xFFFFL << 32;

  private final SamplingMode samplingMode;
  private final DecodedFlow flow = new DecodedFlow();

  NetflowV5Decoder(SamplingMode samplingMode) {
    this.samplingMode = samplingMode;
  }

  /** Decodes one packet at {@code [offset, offset + length)}; returns the flows delivered. */
  long decode(ExporterState state, byte[] b, int offset, int length, FlowSink sink) {
    if (length < HEADER_LENGTH) {
      state.counters.error(5, DecodeError.DATAGRAM_TOO_SHORT);
      return 0;
    }
    int count = BigEndian.u16(b, offset + 2);
    long sysUptime = BigEndian.u32(b, offset + 4);
    long unixSecs = BigEndian.u32(b, offset + 8);
    long unixNsecs = BigEndian.u32(b, offset + 12);
    int engineType = BigEndian.u8(b, offset + 20);
    int engineId = BigEndian.u8(b, offset + 21);
    // Top 2 bits: sampling mode; low 14 bits: the interval (1 in N packets), 0 when not sampled.
    int interval = BigEndian.u16(b, offset + 22) & 0x3FFF;
    double rate = interval == 0 ? 1.0 : interval;
    long exportMillis = unixSecs * 1000 + unixNsecs / 1_000_000;

    if (count > MAX_RECORDS) {
      state.counters.error(5, DecodeError.RECORD_COUNT_MISMATCH);
    }
    int available = (length - HEADER_LENGTH) / RECORD_LENGTH;
    if (count > available) {
      state.counters.error(5, DecodeError.DATAGRAM_TRUNCATED);
    }
    int records = Math.min(count, available);
    flow.setSource(state.address, 5, engineType << 8 | engineId);
    for (int i = 0, r = offset + HEADER_LENGTH; i < records; i++, r += RECORD_LENGTH) {
      flow.setAddresses(0, V4_MAPPED_PREFIX | BigEndian.u32(b, r), 0, V4_MAPPED_PREFIX | BigEndian.u32(b, r + 4));
      flow.setTransport(BigEndian.u16(b, r + 32), BigEndian.u16(b, r + 34), BigEndian.u8(b, r + 38));
      flow.setCounters(BigEndian.u32(b, r + 20), BigEndian.u32(b, r + 16), 0, 0);
      flow.setEndMillis(FlowEndTime.fromUptime(exportMillis, sysUptime, BigEndian.u32(b, r + 28)));
      flow.applySampling(rate, samplingMode);
      NetflowDecoder.deliver(sink, flow);
    }
    state.counters.add(5, Counter.FLOWS, records);
    return records;
  }
}
