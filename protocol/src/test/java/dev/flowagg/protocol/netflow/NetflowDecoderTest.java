package dev.flowagg.protocol.netflow;

import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORTER;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORT_MILLIS;
import static dev.flowagg.protocol.netflow.TestDatagrams.FLOW_TEMPLATE;
import static dev.flowagg.protocol.netflow.TestDatagrams.flow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowagg.protocol.netflow.encode.IpfixMessageBuilder;
import dev.flowagg.protocol.netflow.encode.NetflowV5DatagramBuilder;
import dev.flowagg.protocol.netflow.encode.NetflowV9DatagramBuilder;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The front door: dispatch on the version, input forms, and what a sink may do. */
class NetflowDecoderTest {

  private final NetflowDecoder decoder = new NetflowDecoder();
  private final CollectingSink sink = new CollectingSink();

  private static byte[] ipfixFlow(long bytes) {
    return IpfixMessageBuilder.create().templates(FLOW_TEMPLATE)
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", bytes)).build();
  }

  @Test
  void dispatchesEachVersionToItsDecoder() {
    byte[] v5 = NetflowV5DatagramBuilder.create().exportTimeMillis(EXPORT_MILLIS).record(r -> r.octets(5)).build();
    byte[] v9 = NetflowV9DatagramBuilder.create().templates(FLOW_TEMPLATE)
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 9)).build();

    for (byte[] d : new byte[][] {v5, v9, ipfixFlow(10)}) {
      decoder.decode(EXPORTER, d, 0, d.length, EXPORT_MILLIS, sink);
    }

    assertThat(sink.flows).extracting(DecodedFlow.Snapshot::version).containsExactly(5, 9, 10);
    assertThat(sink.bytes()).containsExactly(5L, 9L, 10L);
  }

  @Test
  void decodesADatagramInTheMiddleOfAnArray() {
    byte[] d = ipfixFlow(7);
    byte[] surrounded = new byte[d.length + 20];
    System.arraycopy(d, 0, surrounded, 10, d.length);

    long delivered = decoder.decode(EXPORTER, surrounded, 10, d.length, EXPORT_MILLIS, sink);

    assertThat(delivered).isEqualTo(1);
    assertThat(sink.only().bytes()).isEqualTo(7);
  }

  @Test
  void decodesHeapAndDirectBuffersWithoutMovingThem() {
    byte[] d = ipfixFlow(7);
    ByteBuffer heap = ByteBuffer.allocate(d.length + 4).position(4).put(d).position(4);
    ByteBuffer direct = ByteBuffer.allocateDirect(d.length).put(d).flip();

    decoder.decode(EXPORTER, heap.slice(), EXPORT_MILLIS, sink);
    decoder.decode(EXPORTER, direct, EXPORT_MILLIS, sink);

    assertThat(sink.bytes()).containsExactly(7L, 7L);
    assertThat(direct.position()).isZero();
    assertThat(direct.remaining()).isEqualTo(d.length);
  }

  @Test
  void exceptionsFromTheSinkReachTheCallerUnchanged() {
    IllegalStateException boom = new IllegalStateException("sink is full");

    assertThatThrownBy(() -> decoder.decode(EXPORTER, ipfixFlow(1), 0, ipfixFlow(1).length, EXPORT_MILLIS, f -> {
      throw boom;
    })).isSameAs(boom);
    assertThat(decoder.stats().of(EXPORTER, 10).errors(DecodeError.DECODER_FAULT)).isZero();
  }

  @Test
  void theViewIsReusedButItsSnapshotsAreIndependent() {
    byte[] d = IpfixMessageBuilder.create().templates(FLOW_TEMPLATE)
        .data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 1), flow("10.0.0.3", "10.0.0.4", 2)).build();
    DecodedFlow[] views = new DecodedFlow[2];
    int[] i = {0};

    decoder.decode(EXPORTER, d, 0, d.length, EXPORT_MILLIS, f -> {
      views[i[0]++] = f;
      sink.accept(f);
    });

    assertThat(views[0]).isSameAs(views[1]);
    assertThat(sink.bytes()).containsExactly(1L, 2L);
  }

  @Test
  void argumentsOutsideTheArrayAreAProgrammingError() {
    byte[] d = ipfixFlow(1);

    assertThatThrownBy(() -> decoder.decode(EXPORTER, d, 5, d.length, EXPORT_MILLIS, sink))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
