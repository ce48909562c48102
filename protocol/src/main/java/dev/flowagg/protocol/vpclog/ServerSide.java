package dev.flowagg.protocol.vpclog;

import dev.flowagg.protocol.classify.Orientation;
import dev.flowagg.protocol.net.IpAddress;
import java.util.Optional;

/**
 * Which end of a flow-log record is the server: the one rule by which both the report ({@code vpc-report}) and ingest
 * ({@code POST /flowlogs}) tag a record, with the lookup table's tag for the server's port and the protocol.
 *
 * <p>The server is the end whose port is a service port ({@link Orientation}); when both or neither are, the end with
 * the lower port; when the ports are equal, the lower address. So a request to 443 and its answer from 443 are both
 * tagged by 443. When either port is absent ({@code -}) the destination is taken as the server.
 */
public final class ServerSide {

  private ServerSide() {}

  /** Whether the record's source is the server. */
  public static boolean sourceIsServer(FlowLogRecord record, Orientation orientation) {
    int sourcePort = record.srcport();
    int destinationPort = record.dstport();
    if (sourcePort < 0 || destinationPort < 0) {
      return false;
    }
    int byPort = orientation.serverByPort(sourcePort, destinationPort);
    if (byPort != 0) {
      return byPort < 0;
    }
    Optional<IpAddress> source = record.address(VpcField.SRCADDR);
    Optional<IpAddress> destination = record.address(VpcField.DSTADDR);
    return source.isPresent() && destination.isPresent() && source.get().compareTo(destination.get()) <= 0;
  }

  /** The server's port, or -1 when the record does not give it. */
  public static int serverPort(FlowLogRecord record, Orientation orientation) {
    return sourceIsServer(record, orientation) ? record.srcport() : record.dstport();
  }
}
