package dev.flowagg.nativeagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowagg.protocol.net.IpAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The native socket over real loopback sockets: recvmmsg straight into a batch, as the NetFlow receiver uses it. */
class NativeUdpSocketTest {

  private static final IpAddress LOCALHOST_V4 = IpAddress.parse("127.0.0.1");
  private static final IpAddress LOCALHOST_V6 = IpAddress.parse("::1");

  @BeforeAll
  static void nativeLibrary() {
    assumeTrue(NativeLibraryLoader.isAvailable(), "the native library is not in this build");
  }

  private static byte[] datagram(int i, int length) {
    byte[] b = new byte[length];
    for (int k = 0; k < length; k++) {
      b[k] = (byte) (k * 7 + i);
    }
    return b;
  }

  private static byte[] payload(DatagramBatch batch, int i) {
    ByteBuffer p = batch.payload(i);
    byte[] b = new byte[p.remaining()];
    p.get(b);
    return b;
  }

  private static DatagramChannel sender(String host) throws IOException {
    DatagramChannel c = DatagramChannel.open();
    c.bind(new InetSocketAddress(host, 0));
    return c;
  }

  /** Receives into {@code batch} until {@code want} datagrams came off the socket; the calls' results, in order. */
  private static List<NativeUdpSocket.Received> receive(
      NativeUdpSocket socket, DatagramBatch batch, int want, int maxLength) throws IOException {
    List<NativeUdpSocket.Received> calls = new ArrayList<>();
    int got = 0;
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (got < want) {
      assertThat(System.nanoTime()).as("only %d of %d datagrams arrived", got, want).isLessThan(deadline);
      if (socket.await(1000)) {
        NativeUdpSocket.Received r = socket.receive(batch, NativeUdpSocket.MAX_DATAGRAMS_PER_CALL, maxLength);
        calls.add(r);
        got += r.datagrams();
      }
    }
    return calls;
  }

  @Test
  void manyIpv4DatagramsArriveInFewCallsPackedAlignedAndWithTheirSource() throws Exception {
    try (NativeUdpSocket socket = NativeUdpSocket.open(InetAddress.getByName("127.0.0.1"), 0, 1 << 20);
        DatagramChannel sender = sender("127.0.0.1");
        DatagramBatch batch = new DatagramBatch(256, 1 << 20)) {
      assertThat(socket.port()).isPositive();
      assertThat(socket.receiveBufferBytes()).isPositive();
      int n = 200;
      for (int i = 0; i < n; i++) {
        sender.send(ByteBuffer.wrap(datagram(i, 20 + i * 13 % 1400)), new InetSocketAddress("127.0.0.1", socket.port()));
      }
      long before = System.currentTimeMillis();
      List<NativeUdpSocket.Received> calls = receive(socket, batch, n, DatagramBatch.MAX_DATAGRAM);
      assertThat(calls).allSatisfy(r -> assertThat(r.oversize()).isZero());
      assertThat(calls.stream().mapToInt(NativeUdpSocket.Received::taken).max().orElseThrow())
          .as("datagrams taken in one call").isGreaterThan(1);
      assertThat(batch.count()).isEqualTo(n);
      int expectedOffset = 0;
      for (int i = 0; i < n; i++) {
        int length = 20 + i * 13 % 1400;
        assertThat(batch.offset(i)).isEqualTo(expectedOffset);
        assertThat(batch.length(i)).isEqualTo(length);
        assertThat(payload(batch, i)).isEqualTo(datagram(i, length));
        assertThat(batch.exporter(i)).isEqualTo(LOCALHOST_V4);
        assertThat(batch.receivedAtMillis(i)).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        expectedOffset += (length + 7) & ~7;
      }
      assertThat(batch.used()).isEqualTo(expectedOffset);
      assertThat(socket.receive(batch, 64, DatagramBatch.MAX_DATAGRAM)).isEqualTo(new NativeUdpSocket.Received(0, 0));
      assertThat(socket.await(0)).isFalse();
    }
  }

  @Test
  void anIpv6SocketTakesIpv4AndIpv6Senders() throws Exception {
    try (NativeUdpSocket socket = NativeUdpSocket.open(InetAddress.getByName("::"), 0, 0);
        DatagramChannel v4 = sender("127.0.0.1");
        DatagramChannel v6 = sender("::1");
        DatagramBatch batch = new DatagramBatch(64, 1 << 17)) {
      for (int i = 0; i < 10; i++) {
        v4.send(ByteBuffer.wrap(datagram(i, 100)), new InetSocketAddress("127.0.0.1", socket.port()));
        v6.send(ByteBuffer.wrap(datagram(i, 60)), new InetSocketAddress("::1", socket.port()));
      }
      receive(socket, batch, 20, DatagramBatch.MAX_DATAGRAM);
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < batch.count(); i++) {
        IpAddress from = batch.exporter(i);
        assertThat(from).isIn(LOCALHOST_V4, LOCALHOST_V6);
        assertThat(batch.length(i)).isEqualTo(from.equals(LOCALHOST_V4) ? 100 : 60);
        seen.add(from + "/" + batch.length(i) + "/" + payload(batch, i)[0]);
      }
      assertThat(seen).hasSize(20);
    }
  }

  @Test
  void aBatchThatFillsTakesOnlyWhatFitsAndTheRestStaysWaiting() throws Exception {
    try (NativeUdpSocket socket = NativeUdpSocket.open(InetAddress.getByName("127.0.0.1"), 0, 1 << 20);
        DatagramChannel sender = sender("127.0.0.1");
        DatagramBatch fewEntries = new DatagramBatch(8, 1 << 17);
        DatagramBatch fewBytes = new DatagramBatch(256, DatagramBatch.MAX_DATAGRAM);
        DatagramBatch rest = new DatagramBatch(256, 1 << 20)) {
      int n = 40;
      for (int i = 0; i < n; i++) {
        sender.send(ByteBuffer.wrap(datagram(i, 4000)), new InetSocketAddress("127.0.0.1", socket.port()));
      }
      receive(socket, fewEntries, 8, 9000);
      assertThat(fewEntries.count()).isEqualTo(8);
      assertThat(fewEntries.hasRoom(9000)).isFalse();
      assertThat(socket.receive(fewEntries, 64, 9000).taken()).isZero();
      // 65 535 bytes and slots of 9 000: packed at 4 000 bytes each, it takes datagrams while a slot still fits.
      while (fewBytes.hasRoom(9000)) {
        assertThat(socket.await(10_000)).isTrue();
        assertThat(socket.receive(fewBytes, 64, 9000).taken()).isPositive();
      }
      assertThat(fewBytes.count()).isEqualTo(1 + (DatagramBatch.MAX_DATAGRAM - 9000) / 4000);
      assertThat(fewBytes.used()).isEqualTo(fewBytes.count() * 4000);
      assertThat(socket.receive(fewBytes, 64, 9000).taken()).isZero();
      // Nothing was lost in between: the rest arrives in order.
      int left = n - 8 - fewBytes.count();
      receive(socket, rest, left, 9000);
      assertThat(rest.count()).isEqualTo(left);
      assertThat(payload(fewEntries, 7)).isEqualTo(datagram(7, 4000));
      assertThat(payload(fewBytes, 0)).isEqualTo(datagram(8, 4000));
      assertThat(payload(rest, left - 1)).isEqualTo(datagram(n - 1, 4000));
    }
  }

  @Test
  void oversizeDatagramsAreCountedNotCommitted() throws Exception {
    try (NativeUdpSocket socket = NativeUdpSocket.open(InetAddress.getByName("127.0.0.1"), 0, 1 << 20);
        DatagramChannel sender = sender("127.0.0.1");
        DatagramBatch batch = new DatagramBatch(16, 1 << 17)) {
      InetSocketAddress to = new InetSocketAddress("127.0.0.1", socket.port());
      sender.send(ByteBuffer.wrap(datagram(1, 100)), to);
      sender.send(ByteBuffer.wrap(datagram(2, 1025)), to);
      sender.send(ByteBuffer.wrap(datagram(3, 1024)), to);
      List<NativeUdpSocket.Received> calls = receive(socket, batch, 3, 1024);
      assertThat(calls.stream().mapToInt(NativeUdpSocket.Received::oversize).sum()).isEqualTo(1);
      assertThat(batch.count()).isEqualTo(2);
      assertThat(payload(batch, 0)).isEqualTo(datagram(1, 100));
      assertThat(payload(batch, 1)).isEqualTo(datagram(3, 1024));
      assertThat(batch.used()).isEqualTo(104 + 1024);
    }
  }

  @Test
  void discardDropsWhatWaits() throws Exception {
    try (NativeUdpSocket socket = NativeUdpSocket.open(InetAddress.getByName("127.0.0.1"), 0, 1 << 20);
        DatagramChannel sender = sender("127.0.0.1")) {
      for (int i = 0; i < 100; i++) {
        sender.send(ByteBuffer.wrap(datagram(i, 500)), new InetSocketAddress("127.0.0.1", socket.port()));
      }
      int dropped = 0;
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (dropped < 100 && System.nanoTime() < deadline) {
        if (socket.await(1000)) {
          dropped += socket.discard(64);
        }
      }
      assertThat(dropped).isEqualTo(100);
      assertThat(socket.await(0)).isFalse();
    }
  }

  @Test
  void aTakenPortIsRefusedWithTheReason() throws Exception {
    try (NativeUdpSocket socket = NativeUdpSocket.open(InetAddress.getByName("127.0.0.1"), 0, 0)) {
      assertThatThrownBy(() -> NativeUdpSocket.open(InetAddress.getByName("127.0.0.1"), socket.port(), 0))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("EADDRINUSE");
    }
  }

  @Test
  void removingEntriesKeepsTheOthersAndGivesBackTrailingBytes() {
    try (DatagramBatch batch = new DatagramBatch(8, 1 << 17)) {
      for (int i = 0; i < 4; i++) {
        batch.add(datagram(i, 10 + i), 0, 10 + i, IpAddress.ofV4(i), i);
      }
      batch.remove(1);
      assertThat(batch.count()).isEqualTo(3);
      assertThat(batch.exporter(1)).isEqualTo(IpAddress.ofV4(2));
      assertThat(payload(batch, 1)).isEqualTo(datagram(2, 12));
      assertThat(batch.used()).isEqualTo(4 * 16);
      batch.remove(2);
      assertThat(batch.count()).isEqualTo(2);
      assertThat(batch.used()).isEqualTo(3 * 16);
      assertThat(payload(batch, 1)).isEqualTo(datagram(2, 12));
    }
  }
}
