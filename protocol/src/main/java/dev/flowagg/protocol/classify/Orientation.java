package dev.flowagg.protocol.classify;

import dev.flowagg.protocol.net.IpAddress;
import java.util.Objects;

/**
 * Decides which endpoint of a conversation is the server, so both directions of one conversation land under the
 * same (client, server) key.
 *
 * <p>The server is the endpoint whose port is a service port; when both or neither are, the one with the lower
 * port; when the ports are equal, the one with the lower address. A conversation is stored as src_app = client,
 * dest_app = server, with client→server bytes as bytes_tx and server→client bytes as bytes_rx.
 */
public record Orientation(ServicePorts servicePorts) {

  public Orientation {
    Objects.requireNonNull(servicePorts, "servicePorts");
  }

  /** Orientation by the default service ports. */
  public static Orientation byDefaultPorts() {
    return new Orientation(ServicePorts.defaults());
  }

  /** Whether endpoint A is the server of the conversation between A and B; allocates nothing. */
  public boolean firstIsServer(IpAddress addressA, int portA, IpAddress addressB, int portB) {
    int byPort = serverByPort(portA, portB);
    if (byPort != 0) {
      return byPort < 0;
    }
    // Ties go to A so that a flow between one endpoint and itself still has a server.
    return addressA.compareTo(addressB) <= 0;
  }

  /**
   * What the ports alone say: negative when port A makes A the server, positive when port B makes B the server, 0
   * when the ports are equal (then the addresses decide, and the server's port is the same either way).
   */
  public int serverByPort(int portA, int portB) {
    boolean serviceA = servicePorts.contains(portA);
    boolean serviceB = servicePorts.contains(portB);
    if (serviceA != serviceB) {
      return serviceA ? -1 : 1;
    }
    return Integer.compare(portA, portB);
  }

  /**
   * Turns one one-way flow into its conversation.
   *
   * @param bytes bytes sent from {@code source} to {@code destination}
   * @param reverseBytes bytes sent the other way, when the input reports both directions (0 otherwise)
   */
  public Conversation orient(
      IpAddress source, int sourcePort, IpAddress destination, int destinationPort, long bytes, long reverseBytes) {
    if (firstIsServer(source, sourcePort, destination, destinationPort)) {
      return new Conversation(destination, destinationPort, source, sourcePort, reverseBytes, bytes);
    }
    return new Conversation(source, sourcePort, destination, destinationPort, bytes, reverseBytes);
  }
}
