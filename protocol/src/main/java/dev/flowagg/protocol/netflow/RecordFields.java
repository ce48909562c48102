package dev.flowagg.protocol.netflow;

/** The raw values of one data record, by role; reused for every record, a bit in {@link #present} per role it has. */
final class RecordFields {

  private static final long V4_MAPPED_PREFIX = 0xFFFFL << 32;

  long present;
  final long[] values = new long[FieldRole.values().length];
  long srcV6High;
  long srcV6Low;
  long dstV6High;
  long dstV6Low;

  /** Starts a record of a template: every role the template reads is present in each of its records. */
  void startRecord(CompiledTemplate template) {
    present = template.roles;
  }

  boolean has(FieldRole role) {
    return (present & role.bit) != 0;
  }

  long get(FieldRole role) {
    return values[role.ordinal()];
  }

  /** Reads one field at {@code offset} for its role; the length was checked when the template was compiled. */
  void read(FieldRole role, byte[] b, int offset, int length) {
    switch (role) {
      case SOURCE_IPV6 -> {
        srcV6High = BigEndian.i64(b, offset);
        srcV6Low = BigEndian.i64(b, offset + 8);
      }
      case DESTINATION_IPV6 -> {
        dstV6High = BigEndian.i64(b, offset);
        dstV6Low = BigEndian.i64(b, offset + 8);
      }
      default -> values[role.ordinal()] = BigEndian.unsigned(b, offset, length);
    }
  }

  long srcHigh() {
    return has(FieldRole.SOURCE_IPV4) ? 0 : has(FieldRole.SOURCE_IPV6) ? srcV6High : 0;
  }

  long srcLow() {
    return has(FieldRole.SOURCE_IPV4) ? V4_MAPPED_PREFIX | get(FieldRole.SOURCE_IPV4)
        : has(FieldRole.SOURCE_IPV6) ? srcV6Low : 0;
  }

  long dstHigh() {
    return has(FieldRole.DESTINATION_IPV4) ? 0 : has(FieldRole.DESTINATION_IPV6) ? dstV6High : 0;
  }

  long dstLow() {
    return has(FieldRole.DESTINATION_IPV4) ? V4_MAPPED_PREFIX | get(FieldRole.DESTINATION_IPV4)
        : has(FieldRole.DESTINATION_IPV6) ? dstV6Low : 0;
  }

  /** A present value, or the fallback. */
  long getOr(FieldRole role, long fallback) {
    return has(role) ? get(role) : fallback;
  }

  /**
   * The sampling rate the record itself announces, or 0 when it announces none (RFC 3954 §8 SAMPLING_INTERVAL,
   * FLOW_SAMPLER_RANDOM_INTERVAL; RFC 5477 samplingPacketInterval and samplingPacketSpace give 1 in
   * (interval + space) / interval).
   */
  double announcedRate() {
    if (has(FieldRole.SAMPLING_INTERVAL)) {
      return atLeastOne(get(FieldRole.SAMPLING_INTERVAL));
    }
    if (has(FieldRole.SAMPLER_RANDOM_INTERVAL)) {
      return atLeastOne(get(FieldRole.SAMPLER_RANDOM_INTERVAL));
    }
    if (has(FieldRole.SAMPLING_PACKET_INTERVAL)) {
      long interval = get(FieldRole.SAMPLING_PACKET_INTERVAL);
      long space = getOr(FieldRole.SAMPLING_PACKET_SPACE, 0);
      return interval == 0 ? 1.0 : (double) (interval + space) / interval;
    }
    return 0;
  }

  private static double atLeastOne(long interval) {
    return interval <= 0 ? 1.0 : interval;
  }
}
