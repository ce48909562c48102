package dev.flowagg.protocol.netflow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Reads unsigned network-order integers out of a byte array; callers check bounds first. */
final class BigEndian {

  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private BigEndian() {}

  static int u8(byte[] b, int offset) {
    return b[offset] & 0xFF;
  }

  static int u16(byte[] b, int offset) {
    return (b[offset] & 0xFF) << 8 | (b[offset + 1] & 0xFF);
  }

  static int i32(byte[] b, int offset) {
    return (int) INT.get(b, offset);
  }

  static long u32(byte[] b, int offset) {
    return i32(b, offset) & 0xFFFF_FFFFL;
  }

  /** All 64 bits; a value above {@code Long.MAX_VALUE} comes back negative. */
  static long i64(byte[] b, int offset) {
    return (long) LONG.get(b, offset);
  }

  /** An unsigned integer of 1 to 8 bytes (RFC 7011 §6.2: reduced-size encoding keeps the low-order bytes). */
  static long unsigned(byte[] b, int offset, int length) {
    return switch (length) {
      case 1 -> u8(b, offset);
      case 2 -> u16(b, offset);
      case 4 -> u32(b, offset);
      case 8 -> i64(b, offset);
      default -> {
        long v = 0;
        for (int i = 0; i < length; i++) {
          v = v << 8 | (b[offset + i] & 0xFF);
        }
        yield v;
      }
    };
  }
}
