package dev.flowagg.protocol.netflow.encode;

import java.util.Arrays;

/** A growable byte array written in network order, with lengths patched in after their content. */
final class WireWriter {

  private byte[] bytes = new byte[256];
  private int size;

  int position() {
    return size;
  }

  WireWriter u8(int v) {
    ensure(1);
    bytes[size++] = (byte) v;
    return this;
  }

  WireWriter u16(int v) {
    return unsigned(v, 2);
  }

  WireWriter u32(long v) {
    return unsigned(v, 4);
  }

  WireWriter u64(long v) {
    return unsigned(v, 8);
  }

  /** The low-order {@code length} bytes of {@code v}, most significant first. */
  WireWriter unsigned(long v, int length) {
    ensure(length);
    for (int i = length - 1; i >= 0; i--) {
      bytes[size + i] = (byte) v;
      v >>>= 8;
    }
    size += length;
    return this;
  }

  WireWriter bytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, bytes, size, b.length);
    size += b.length;
    return this;
  }

  WireWriter zeros(int n) {
    ensure(n);
    size += n;
    return this;
  }

  void patchU16(int at, int v) {
    bytes[at] = (byte) (v >>> 8);
    bytes[at + 1] = (byte) v;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  private void ensure(int n) {
    if (size + n > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
    }
  }
}
