package dev.flowagg.protocol.netflow;

import static dev.flowagg.protocol.netflow.InformationElement.DESTINATION_IPV4_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.DESTINATION_TRANSPORT_PORT;
import static dev.flowagg.protocol.netflow.InformationElement.OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.PACKET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.PROTOCOL_IDENTIFIER;
import static dev.flowagg.protocol.netflow.InformationElement.SOURCE_IPV4_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.SOURCE_TRANSPORT_PORT;

import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.IpfixMessageBuilder;
import dev.flowagg.protocol.netflow.encode.NetflowV9DatagramBuilder;
import dev.flowagg.protocol.netflow.encode.RecordSpec;
import dev.flowagg.protocol.netflow.encode.TemplateSpec;
import dev.flowagg.protocol.netflow.encode.TemplatedDatagramBuilder;

/** Datagrams and templates the decoder tests share, so that template behaviour reads the same for v9 and IPFIX. */
final class TestDatagrams {

  static final IpAddress EXPORTER = IpAddress.parse("192.0.2.1");
  static final IpAddress OTHER_EXPORTER = IpAddress.parse("192.0.2.2");
  /** 2026-01-01T00:00:00Z. */
  static final long EXPORT_SECONDS = 1_767_225_600L;
  static final long EXPORT_MILLIS = EXPORT_SECONDS * 1000;
  /** The v9 header's uptime at export: the exporter booted ten days earlier. */
  static final long UPTIME_MILLIS = 10 * 86_400_000L;

  /** Addresses, ports, protocol and counts at their default lengths. */
  static final TemplateSpec FLOW_TEMPLATE = TemplateSpec.of(256, SOURCE_IPV4_ADDRESS, DESTINATION_IPV4_ADDRESS,
      SOURCE_TRANSPORT_PORT, DESTINATION_TRANSPORT_PORT, PROTOCOL_IDENTIFIER, OCTET_DELTA_COUNT, PACKET_DELTA_COUNT);

  private TestDatagrams() {}

  /** A v9 packet or IPFIX message from observation domain (source id) {@code domain}, exported at {@link #EXPORT_SECONDS}. */
  static TemplatedDatagramBuilder datagram(ExportFormat format, long domain) {
    return switch (format) {
      case NETFLOW_V9 -> NetflowV9DatagramBuilder.create().sourceId(domain).unixSeconds(EXPORT_SECONDS)
          .sysUptimeMillis(UPTIME_MILLIS);
      case IPFIX -> IpfixMessageBuilder.create().observationDomain(domain).exportSeconds(EXPORT_SECONDS);
      case NETFLOW_V5 -> throw new IllegalArgumentException("v5 has no templates");
    };
  }

  static RecordSpec flow(String src, String dst, long bytes) {
    return RecordSpec.empty()
        .with(SOURCE_IPV4_ADDRESS, IpAddress.parse(src))
        .with(DESTINATION_IPV4_ADDRESS, IpAddress.parse(dst))
        .with(SOURCE_TRANSPORT_PORT, 40000)
        .with(DESTINATION_TRANSPORT_PORT, 443)
        .with(PROTOCOL_IDENTIFIER, 6)
        .with(OCTET_DELTA_COUNT, bytes)
        .with(PACKET_DELTA_COUNT, 10);
  }

  static int versionOf(ExportFormat format) {
    return switch (format) {
      case NETFLOW_V5 -> 5;
      case NETFLOW_V9 -> 9;
      case IPFIX -> 10;
    };
  }

  static long decode(NetflowDecoder decoder, IpAddress exporter, byte[] datagram, long receivedAtMillis,
      FlowSink sink) {
    return decoder.decode(exporter, datagram, 0, datagram.length, receivedAtMillis, sink);
  }

  static long decode(NetflowDecoder decoder, byte[] datagram, FlowSink sink) {
    return decode(decoder, EXPORTER, datagram, EXPORT_MILLIS, sink);
  }
}
