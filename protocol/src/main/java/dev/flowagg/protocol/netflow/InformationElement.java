package dev.flowagg.protocol.netflow;

import java.util.HashMap;
import java.util.Map;

/**
 * The information elements (IPFIX, RFC 7012) and NetFlow v9 field types (RFC 3954 §8) this project reads or writes.
 *
 * <p>NetFlow v9 field types 1 to 127 share their numbers with IPFIX; where v9 names differ the Javadoc gives
 * the v9 name.
 */
public enum InformationElement {
  /** v9 IN_BYTES. */
  OCTET_DELTA_COUNT(1, 8),
  /** v9 IN_PKTS. */
  PACKET_DELTA_COUNT(2, 8),
  PROTOCOL_IDENTIFIER(4, 1),
  IP_CLASS_OF_SERVICE(5, 1),
  TCP_CONTROL_BITS(6, 1),
  SOURCE_TRANSPORT_PORT(7, 2),
  SOURCE_IPV4_ADDRESS(8, 4),
  SOURCE_IPV4_PREFIX_LENGTH(9, 1),
  INGRESS_INTERFACE(10, 4),
  DESTINATION_TRANSPORT_PORT(11, 2),
  DESTINATION_IPV4_ADDRESS(12, 4),
  /** v9 ICMP_TYPE: type · 256 + code. */
  ICMP_TYPE_CODE_IPV4(32, 2),
  EGRESS_INTERFACE(14, 4),
  /** v9 LAST_SWITCHED: milliseconds of exporter uptime. */
  FLOW_END_SYS_UP_TIME(21, 4),
  /** v9 FIRST_SWITCHED. */
  FLOW_START_SYS_UP_TIME(22, 4),
  /** v9 OUT_BYTES. */
  POST_OCTET_DELTA_COUNT(23, 8),
  /** v9 OUT_PKTS. */
  POST_PACKET_DELTA_COUNT(24, 8),
  SOURCE_IPV6_ADDRESS(27, 16),
  DESTINATION_IPV6_ADDRESS(28, 16),
  SAMPLING_INTERVAL(34, 4),
  SAMPLING_ALGORITHM(35, 1),
  /** v9 FLOW_SAMPLER_ID. */
  SAMPLER_ID(48, 1),
  /** v9 FLOW_SAMPLER_MODE. */
  SAMPLER_MODE(49, 1),
  /** v9 FLOW_SAMPLER_RANDOM_INTERVAL. */
  SAMPLER_RANDOM_INTERVAL(50, 4),
  INTERFACE_NAME(82, InformationElement.VARIABLE_LENGTH),
  APPLICATION_NAME(96, InformationElement.VARIABLE_LENGTH),
  /** Type · 256 + code, as for IPv4. */
  ICMP_TYPE_CODE_IPV6(139, 2),
  METERING_PROCESS_ID(143, 4),
  OBSERVATION_DOMAIN_ID(149, 4),
  FLOW_START_SECONDS(150, 4),
  FLOW_END_SECONDS(151, 4),
  FLOW_START_MILLISECONDS(152, 8),
  FLOW_END_MILLISECONDS(153, 8),
  FLOW_END_MICROSECONDS(155, 8),
  FLOW_END_NANOSECONDS(156, 8),
  FLOW_END_DELTA_MICROSECONDS(159, 4),
  SYSTEM_INIT_TIME_MILLISECONDS(160, 8),
  SELECTOR_ID(302, 8),
  SAMPLING_PACKET_INTERVAL(305, 4),
  SAMPLING_PACKET_SPACE(306, 4),
  /** RFC 5103 §6.1: the reverse of octetDeltaCount, under the reverse enterprise number. */
  REVERSE_OCTET_DELTA_COUNT(InformationElement.REVERSE_ENTERPRISE_NUMBER, 1, 8),
  /** RFC 5103 §6.1: the reverse of packetDeltaCount. */
  REVERSE_PACKET_DELTA_COUNT(InformationElement.REVERSE_ENTERPRISE_NUMBER, 2, 8);

  /** RFC 7011 §7: the field length that announces a variable-length field. */
  public static final int VARIABLE_LENGTH = 65535;

  /** RFC 5103 §6.1: the private enterprise number of reverse information elements. */
  public static final long REVERSE_ENTERPRISE_NUMBER = 29305;

  private static final Map<Long, InformationElement> BY_KEY = new HashMap<>();

  static {
    for (InformationElement e : values()) {
      BY_KEY.put(key(e.enterpriseNumber, e.id), e);
    }
  }

  private final long enterpriseNumber;
  private final int id;
  private final int defaultLength;

  InformationElement(int id, int defaultLength) {
    this(0, id, defaultLength);
  }

  InformationElement(long enterpriseNumber, int id, int defaultLength) {
    this.enterpriseNumber = enterpriseNumber;
    this.id = id;
    this.defaultLength = defaultLength;
  }

  /** The element id (v9 field type), without the enterprise bit. */
  public int id() {
    return id;
  }

  /** 0 for IANA elements. */
  public long enterpriseNumber() {
    return enterpriseNumber;
  }

  /** The length an exporter uses unless it reduces it; {@link #VARIABLE_LENGTH} for strings. */
  public int defaultLength() {
    return defaultLength;
  }

  /** The element with this enterprise number and id, or {@code null} when this project does not know it. */
  public static InformationElement find(long enterpriseNumber, int id) {
    return BY_KEY.get(key(enterpriseNumber, id));
  }

  private static long key(long enterpriseNumber, int id) {
    return enterpriseNumber << 16 | id;
  }
}
