package dev.flowagg.node.aggregate;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * A compact binary form of the flow slices' messages, events and snapshots: varints and length-prefixed UTF-8, with a
 * {@link DeltaBlock} carried as its own encoding. Events are written once per group commit and read back only to
 * recover, so the layout favours size; a leading version byte leaves room to change it.
 */
public final class SliceSerializer extends SerializerWithStringManifest {

  private static final byte VERSION = 1;

  private final ExtendedActorSystem system;
  private volatile ActorRefResolver resolver;

  public SliceSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public int identifier() {
    return 640_001;
  }

  @Override
  public String manifest(Object o) {
    return switch (o) {
      case FlowSlice.Write w -> "W";
      case FlowSlice.Reserve r -> "R";
      case FlowSlice.Release r -> "X";
      case FlowSlice.Maintain m -> "M";
      case FlowSlice.Done d -> "D";
      case FlowSlice.Overflow v -> "O";
      case FlowSlice.Failed f -> "F";
      case FlowSlice.Applied a -> "A";
      case Snapshot s -> "S";
      default -> throw new IllegalArgumentException("not a flow slice message: " + o.getClass());
    };
  }

  @Override
  public byte[] toBinary(Object o) {
    Out out = new Out();
    out.buf.write(VERSION);
    switch (o) {
      case FlowSlice.Write w -> {
        writeId(out, w.id());
        block(out, w.deltas());
        out.buf.write(w.eachRow() ? 1 : 0);
        out.string(ref(w.replyTo()));
      }
      case FlowSlice.Reserve r -> {
        writeId(out, r.id());
        block(out, r.deltas());
        out.string(ref(r.replyTo()));
      }
      case FlowSlice.Release r -> writeId(out, r.id());
      case FlowSlice.Maintain m -> {}
      case FlowSlice.Done d -> {
        out.varint(d.rowsRefused());
        out.varint(d.rowsExpired());
      }
      case FlowSlice.Overflow v -> {
        key(out, v.key());
        out.varint(v.hour());
        out.string(v.field());
      }
      case FlowSlice.Failed f -> out.string(f.reason());
      case FlowSlice.Applied a -> {
        out.varint(a.atMillis());
        out.varint(a.writes().size());
        a.writes().forEach(id -> writeId(out, id));
        out.varint(a.firstNew());
        out.varint(a.named().size());
        a.named().forEach(k -> key(out, k));
        out.varint(a.rows());
        for (int i = 0; i < a.rows(); i++) {
          out.varint(a.rowTuple()[i]);
          out.varint(a.rowHour()[i]);
          out.varint(a.rowTx()[i]);
          out.varint(a.rowRx()[i]);
        }
      }
      case Snapshot s -> {
        out.varint(s.nextNumber());
        out.varint(s.writers().length / 3);
        for (long v : s.writers()) {
          out.fixed(v);
        }
        out.varint(s.recent().length / 2);
        for (long v : s.recent()) {
          out.fixed(v);
        }
      }
      default -> throw new IllegalArgumentException("not a flow slice message: " + o.getClass());
    }
    return out.buf.toByteArray();
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    In in = new In(bytes);
    if (in.b[in.pos++] != VERSION) {
      throw new NotSerializableException("flow slice message of unknown version " + bytes[0]);
    }
    return switch (manifest) {
      case "W" -> new FlowSlice.Write(writeId(in), block(in), in.b[in.pos++] == 1, ref(in.string()));
      case "R" -> new FlowSlice.Reserve((WriteId.Unique) writeId(in), block(in), ref(in.string()));
      case "X" -> new FlowSlice.Release((WriteId.Unique) writeId(in));
      case "M" -> new FlowSlice.Maintain();
      case "D" -> new FlowSlice.Done((int) in.varint(), (int) in.varint());
      case "O" -> new FlowSlice.Overflow(key(in), in.varint(), in.string());
      case "F" -> new FlowSlice.Failed(in.string());
      case "A" -> {
        long at = in.varint();
        int n = (int) in.varint();
        List<WriteId> writes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          writes.add(writeId(in));
        }
        int firstNew = (int) in.varint();
        int named = (int) in.varint();
        List<FlowKey> keys = new ArrayList<>(named);
        for (int i = 0; i < named; i++) {
          keys.add(key(in));
        }
        int rows = (int) in.varint();
        int[] tuple = new int[rows];
        long[] hour = new long[rows];
        long[] tx = new long[rows];
        long[] rx = new long[rows];
        for (int i = 0; i < rows; i++) {
          tuple[i] = (int) in.varint();
          hour[i] = in.varint();
          tx[i] = in.varint();
          rx[i] = in.varint();
        }
        yield new FlowSlice.Applied(at, writes, firstNew, keys, tuple, hour, tx, rx);
      }
      case "S" -> {
        int next = (int) in.varint();
        long[] writers = new long[(int) in.varint() * 3];
        for (int i = 0; i < writers.length; i++) {
          writers[i] = in.fixed();
        }
        long[] recent = new long[(int) in.varint() * 2];
        for (int i = 0; i < recent.length; i++) {
          recent[i] = in.fixed();
        }
        yield new Snapshot(next, writers, recent);
      }
      default -> throw new NotSerializableException("unknown flow slice manifest " + manifest);
    };
  }

  /**
   * The stored form of {@link FlowSlice.State}: the next tuple number, the sequenced writers as
   * {@code (writer, highest seq, last write millis)} triples, and the recent unique ids oldest first as pairs.
   */
  public record Snapshot(int nextNumber, long[] writers, long[] recent) implements SliceMessage {}

  private static void writeId(Out out, WriteId id) {
    switch (id) {
      case WriteId.Sequenced s -> {
        out.buf.write(0);
        out.fixed(s.writer());
        out.varint(s.seq());
      }
      case WriteId.Unique u -> {
        out.buf.write(1);
        out.fixed(u.high());
        out.fixed(u.low());
      }
    }
  }

  private static WriteId writeId(In in) {
    return in.b[in.pos++] == 0
        ? new WriteId.Sequenced(in.fixed(), in.varint())
        : new WriteId.Unique(in.fixed(), in.fixed());
  }

  private static void block(Out out, DeltaBlock block) {
    out.varint(block.byteSize());
    out.buf.write(block.encoded(), 0, block.byteSize());
  }

  private static DeltaBlock block(In in) {
    int n = (int) in.varint();
    DeltaBlock block = DeltaBlock.decode(in.b, in.pos, n);
    in.pos += n;
    return block;
  }

  private static void key(Out out, FlowKey k) {
    out.string(k.srcApp());
    out.string(k.destApp());
    out.string(k.vpcId());
  }

  private static FlowKey key(In in) {
    return new FlowKey(in.string(), in.string(), in.string());
  }

  private String ref(ActorRef<?> ref) {
    return resolver().toSerializationFormat(ref);
  }

  private <T> ActorRef<T> ref(String path) {
    return resolver().resolveActorRef(path);
  }

  private ActorRefResolver resolver() {
    if (resolver == null) {
      resolver = ActorRefResolver.get(Adapter.toTyped(system));
    }
    return resolver;
  }

  private static final class Out {
    final ByteArrayOutputStream buf = new ByteArrayOutputStream(64);

    void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        buf.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      buf.write((int) v);
    }

    void fixed(long v) {
      for (int i = 56; i >= 0; i -= 8) {
        buf.write((int) (v >>> i));
      }
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varint(b.length);
      buf.write(b, 0, b.length);
    }
  }

  private static final class In {
    final byte[] b;
    int pos;

    In(byte[] b) {
      this.b = b;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte x = b[pos++];
        v |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("malformed varint");
    }

    long fixed() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (b[pos++] & 0xFF);
      }
      return v;
    }

    String string() {
      int n = (int) varint();
      String s = new String(b, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }
  }
}
