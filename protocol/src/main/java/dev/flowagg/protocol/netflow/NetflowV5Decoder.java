package dev.flowagg.protocol.netflow;

import dev.flowagg.protocol.netflow.ExporterCounters.Counter;

/** NetFlow v5: a fixed 24-byte header and up to 30 fixed 48-byte records, no templates. */
final class NetflowV5Decoder {

  static final int HEADER_LENGTH = 24;
  static final int RECORD_LENGTH = 48;
  static final int MAX_RECORDS = 30;
  /** Cisco IOS (bug CSCei12353) stamps some records' end up to about 100 s past the header's uptime; nfdump allows it. */
  static final int END_SLACK_MILLIS = 100_000;
  private static final long V4_MAPPED_PREFIX = 0xFFFFL << 32;

  private final SamplingMode samplingMode;
  private final DecodedFlow flow = new DecodedFlow();

  NetflowV5Decoder(SamplingMode samplingMode) {
    this.samplingMode = samplingMode;
  }

  /** Decodes one packet at {@code [offset, offset + length)}; returns the flows delivered. */
  long decode(ExporterState state, byte[] b, int offset, int length, FlowSink sink) {
    DecodeError refused = checkPlausible(b, offset, length);
    if (refused != null) {
      state.counters.error(5, refused);
      return 0;
    }
    int records = BigEndian.u16(b, offset + 2);
    long sysUptime = BigEndian.u32(b, offset + 4);
    long unixSecs = BigEndian.u32(b, offset + 8);
    long unixNsecs = BigEndian.u32(b, offset + 12);
    int engineType = BigEndian.u8(b, offset + 20);
    int engineId = BigEndian.u8(b, offset + 21);
    // Top 2 bits: sampling mode; low 14 bits: the interval (1 in N packets), 0 when not sampled.
    int interval = BigEndian.u16(b, offset + 22) & 0x3FFF;
    double rate = interval == 0 ? 1.0 : interval;
    long exportMillis = unixSecs * 1000 + unixNsecs / 1_000_000;

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

  /**
   * Why the datagram is not a v5 export packet, or null when it is plausibly one. Like nfdump, a header whose count or
   * length is off refuses the whole datagram; beyond nfdump, so do a clock that was never set and a record whose times
   * are impossible, since a datagram of random bytes behind a version-5 header must not become flows.
   */
  private static DecodeError checkPlausible(byte[] b, int offset, int length) {
    if (length < HEADER_LENGTH) {
      return DecodeError.DATAGRAM_TOO_SHORT;
    }
    int count = BigEndian.u16(b, offset + 2);
    if (count == 0 || count > MAX_RECORDS) {
      return DecodeError.RECORD_COUNT_MISMATCH;
    }
    int expected = HEADER_LENGTH + count * RECORD_LENGTH;
    if (length != expected) {
      return length < expected ? DecodeError.DATAGRAM_TRUNCATED : DecodeError.MESSAGE_LENGTH_MISMATCH;
    }
    long sysUptime = BigEndian.u32(b, offset + 4);
    long unixNsecs = BigEndian.u32(b, offset + 12);
    long exportMillis = BigEndian.u32(b, offset + 8) * 1000 + unixNsecs / 1_000_000;
    if (unixNsecs >= 1_000_000_000L || sysUptime >= exportMillis) {
      return DecodeError.EXPORT_TIME_IMPLAUSIBLE;
    }
    for (int r = offset + HEADER_LENGTH; r < offset + length; r += RECORD_LENGTH) {
      long first = BigEndian.u32(b, r + 24);
      long last = BigEndian.u32(b, r + 28);
      // Modulo 2^32 and signed, as FlowEndTime reads them, so a counter that wrapped in between is no problem; a
      // First of 0 is an exporter that does not measure it.
      int afterExport = (int) (last - sysUptime);
      int duration = (int) (last - first);
      if (afterExport > END_SLACK_MILLIS || first != 0 && duration < 0) {
        return DecodeError.RECORD_TIME_IMPLAUSIBLE;
      }
    }
    return null;
  }
}
