package dev.flowagg.node.cli;

import dev.flowagg.protocol.net.IpAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/** The UDP sockets the {@code send} command exports from: one per local address, each connected to the target. */
final class ExporterSockets implements AutoCloseable {

  private static final int SEND_BUFFER_BYTES = 4 << 20;

  private final List<DatagramChannel> channels;
  private final List<IpAddress> sources;

  private ExporterSockets(List<DatagramChannel> channels, List<IpAddress> sources) {
    this.channels = channels;
    this.sources = sources;
  }

  /** One socket per bind address, or one on the address the system picks when there are none. */
  static ExporterSockets open(InetSocketAddress target, List<InetAddress> bindAddresses) throws IOException {
    List<DatagramChannel> channels = new ArrayList<>();
    List<IpAddress> sources = new ArrayList<>();
    List<InetAddress> locals = bindAddresses.isEmpty() ? Collections.singletonList(null) : bindAddresses;
    try {
      for (InetAddress local : locals) {
        DatagramChannel channel = DatagramChannel.open();
        channels.add(channel);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER_BYTES);
        if (local != null) {
          channel.bind(new InetSocketAddress(local, 0));
        }
        channel.connect(target);
        // After connect the socket has the source address the collector will see.
        InetSocketAddress bound = (InetSocketAddress) channel.getLocalAddress();
        sources.add(IpAddress.of(bound.getAddress().getAddress()));
      }
    } catch (IOException | RuntimeException e) {
      for (DatagramChannel c : channels) {
        c.close();
      }
      throw e;
    }
    return new ExporterSockets(channels, sources);
  }

  /** The source address exporter {@code k} sends from. */
  IpAddress sourceOf(int exporter) {
    return sources.get(exporter % sources.size());
  }

  String sourcesText() {
    return sources.stream().map(IpAddress::toString).collect(Collectors.joining(","));
  }

  /** Sends one datagram from exporter {@code k}'s socket; false when the target refused an earlier one (ICMP). */
  boolean send(int exporter, byte[] datagram) throws IOException {
    try {
      channels.get(exporter % channels.size()).write(ByteBuffer.wrap(datagram));
      return true;
    } catch (PortUnreachableException refused) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    for (DatagramChannel c : channels) {
      c.close();
    }
  }
}
