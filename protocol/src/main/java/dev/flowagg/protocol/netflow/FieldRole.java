package dev.flowagg.protocol.netflow;

/** What the decoder does with a template field: which part of a flow, its time or its sampling the field gives. */
enum FieldRole {
  SOURCE_IPV4,
  DESTINATION_IPV4,
  SOURCE_IPV6,
  DESTINATION_IPV6,
  SOURCE_PORT,
  DESTINATION_PORT,
  /** ICMP type · 256 + code; reported as the destination port when the record has none, as v5 does. */
  ICMP_TYPE_CODE,
  PROTOCOL,
  OCTETS,
  PACKETS,
  /** v9 OUT_BYTES, used when IN_BYTES is absent. */
  OUT_OCTETS,
  OUT_PACKETS,
  REVERSE_OCTETS,
  REVERSE_PACKETS,
  END_SYS_UP_TIME,
  END_SECONDS,
  END_MILLISECONDS,
  END_MICROSECONDS,
  END_NANOSECONDS,
  END_DELTA_MICROSECONDS,
  SYSTEM_INIT_MILLISECONDS,
  SAMPLER_ID,
  SAMPLING_INTERVAL,
  SAMPLER_RANDOM_INTERVAL,
  SAMPLING_PACKET_INTERVAL,
  SAMPLING_PACKET_SPACE;

  /** This role's bit in {@link RecordFields#present}. */
  final long bit = 1L << ordinal();

  /** The role of a field, or {@code null} when the decoder skips it; v9 scope fields use their own numbering and are skipped. */
  static FieldRole of(int version, boolean scope, long enterpriseNumber, int elementId) {
    if (version == 9 && scope) {
      return null;
    }
    InformationElement element = InformationElement.find(enterpriseNumber, elementId);
    if (element == null) {
      return null;
    }
    return switch (element) {
      case SOURCE_IPV4_ADDRESS -> SOURCE_IPV4;
      case DESTINATION_IPV4_ADDRESS -> DESTINATION_IPV4;
      case SOURCE_IPV6_ADDRESS -> SOURCE_IPV6;
      case DESTINATION_IPV6_ADDRESS -> DESTINATION_IPV6;
      case SOURCE_TRANSPORT_PORT -> SOURCE_PORT;
      case DESTINATION_TRANSPORT_PORT -> DESTINATION_PORT;
      case ICMP_TYPE_CODE_IPV4, ICMP_TYPE_CODE_IPV6 -> ICMP_TYPE_CODE;
      case PROTOCOL_IDENTIFIER -> PROTOCOL;
      case OCTET_DELTA_COUNT -> OCTETS;
      case PACKET_DELTA_COUNT -> PACKETS;
      // RFC 3954 §8: OUT_BYTES/OUT_PKTS; in IPFIX 23/24 are post-processing counts, not the flow's own.
      case POST_OCTET_DELTA_COUNT -> version == 9 ? OUT_OCTETS : null;
      case POST_PACKET_DELTA_COUNT -> version == 9 ? OUT_PACKETS : null;
      case REVERSE_OCTET_DELTA_COUNT -> REVERSE_OCTETS;
      case REVERSE_PACKET_DELTA_COUNT -> REVERSE_PACKETS;
      case FLOW_END_SYS_UP_TIME -> END_SYS_UP_TIME;
      case FLOW_END_SECONDS -> END_SECONDS;
      case FLOW_END_MILLISECONDS -> END_MILLISECONDS;
      case FLOW_END_MICROSECONDS -> END_MICROSECONDS;
      case FLOW_END_NANOSECONDS -> END_NANOSECONDS;
      case FLOW_END_DELTA_MICROSECONDS -> END_DELTA_MICROSECONDS;
      case SYSTEM_INIT_TIME_MILLISECONDS -> SYSTEM_INIT_MILLISECONDS;
      case SAMPLER_ID, SELECTOR_ID -> SAMPLER_ID;
      case SAMPLING_INTERVAL -> SAMPLING_INTERVAL;
      case SAMPLER_RANDOM_INTERVAL -> SAMPLER_RANDOM_INTERVAL;
      case SAMPLING_PACKET_INTERVAL -> SAMPLING_PACKET_INTERVAL;
      case SAMPLING_PACKET_SPACE -> SAMPLING_PACKET_SPACE;
      default -> null;
    };
  }

  /** Whether a field of this length can be read for this role (RFC 7011 §6.2: numbers may be sent in fewer bytes). */
  boolean accepts(int length) {
    return switch (this) {
      case SOURCE_IPV4, DESTINATION_IPV4 -> length == 4;
      case SOURCE_IPV6, DESTINATION_IPV6 -> length == 16;
      // RFC 7011 §6.1.9-10: NTP timestamps are always 64 bits.
      case END_MICROSECONDS, END_NANOSECONDS -> length == 8;
      default -> length >= 1 && length <= 8;
    };
  }
}
