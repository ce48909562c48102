package dev.flowagg.node.aggregate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable run of per-{@code (tuple, hour)} byte deltas in a compact encoding: each delta is the three names
 * (length-prefixed UTF-8) and the hour and both byte counts as unsigned LEB128 varints. It is what writers hand a
 * {@link FlowSlice}, what crosses the network between nodes, and what the NetFlow delivery log keeps on disk, byte
 * for byte, so a delivery replayed after a restart is exactly the delivery that was cut.
 */
public final class DeltaBlock {

  public static final DeltaBlock EMPTY = new DeltaBlock(new byte[0], 0, 0);

  /** Receives one delta of a block. */
  @FunctionalInterface
  public interface Visitor {
    void accept(String srcApp, String destApp, String vpcId, long hour, long bytesTx, long bytesRx);
  }

  private final byte[] bytes;
  private final int length;
  private final int count;

  private DeltaBlock(byte[] bytes, int length, int count) {
    this.bytes = bytes;
    this.length = length;
    this.count = count;
  }

  /** A block from its encoding (as {@link #encoded()} gave it); the bytes are checked while counting. */
  public static DeltaBlock decode(byte[] bytes, int offset, int length) {
    byte[] copy = Arrays.copyOfRange(bytes, offset, offset + length);
    Reader r = new Reader(copy, 0, length);
    int n = 0;
    while (r.remaining()) {
      r.skipDelta();
      n++;
    }
    return new DeltaBlock(copy, length, n);
  }

  public int count() {
    return count;
  }

  /** Bytes of the encoding. */
  public int byteSize() {
    return length;
  }

  /** The encoding; the array may be longer than {@link #byteSize()}. */
  public byte[] encoded() {
    return bytes;
  }

  public void forEach(Visitor visitor) {
    Reader r = new Reader(bytes, 0, length);
    while (r.remaining()) {
      visitor.accept(r.string(), r.string(), r.string(), r.varint(), r.varint(), r.varint());
    }
  }

  public static Builder builder() {
    return new Builder(256);
  }

  /** Appends deltas; {@link #build()} may be called once. */
  public static final class Builder {
    private byte[] buf;
    private int size;
    private int count;

    Builder(int capacity) {
      buf = new byte[capacity];
    }

    public Builder add(String srcApp, String destApp, String vpcId, long hour, long bytesTx, long bytesRx) {
      string(srcApp);
      string(destApp);
      string(vpcId);
      varint(hour);
      varint(bytesTx);
      varint(bytesRx);
      count++;
      return this;
    }

    public Builder add(FlowKey key, long hour, long bytesTx, long bytesRx) {
      return add(key.srcApp(), key.destApp(), key.vpcId(), hour, bytesTx, bytesRx);
    }

    public int count() {
      return count;
    }

    public int byteSize() {
      return size;
    }

    public DeltaBlock build() {
      return count == 0 ? EMPTY : new DeltaBlock(buf, size, count);
    }

    private void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varint(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, size, b.length);
      size += b.length;
    }

    private void varint(long v) {
      if (v < 0) {
        throw new IllegalArgumentException("deltas are non-negative, not " + v);
      }
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }
  }

  /** Reads the encoding; a truncated or malformed block fails with {@link IllegalArgumentException}. */
  private static final class Reader {
    private final byte[] b;
    private int pos;
    private final int end;

    Reader(byte[] b, int pos, int length) {
      this.b = b;
      this.pos = pos;
      this.end = pos + length;
    }

    boolean remaining() {
      return pos < end;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IllegalArgumentException("delta block truncated");
        }
        byte x = b[pos++];
        v |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("delta block has a malformed number");
    }

    String string() {
      int n = (int) varint();
      if (n < 0 || n > end - pos) {
        throw new IllegalArgumentException("delta block truncated");
      }
      String s = new String(b, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    void skipDelta() {
      for (int i = 0; i < 3; i++) {
        int n = (int) varint();
        if (n < 0 || n > end - pos) {
          throw new IllegalArgumentException("delta block truncated");
        }
        pos += n;
      }
      varint();
      varint();
      varint();
    }
  }
}
