package dev.flowagg.protocol.net;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 address as a value: 128 bits, IPv4 kept in its IPv4-mapped form (::ffff:a.b.c.d).
 *
 * <p>Two longs instead of {@code InetAddress}: no allocation to compare or hash, no DNS, and the same
 * layout the native kernel uses.
 */
public record IpAddress(long high, long low) implements Comparable<IpAddress> {

  private static final long V4_MAPPED_PREFIX = 0xFFFFL << 32;

  /** An IPv4 address from its 32 bits in network order. */
  public static IpAddress ofV4(int bits) {
    return new IpAddress(0L, V4_MAPPED_PREFIX | (bits & 0xFFFF_FFFFL));
  }

  /** An address from 4 or 16 bytes in network order. */
  public static IpAddress of(byte[] bytes) {
    return of(bytes, 0, bytes.length);
  }

  /** An address from 4 or 16 bytes in network order starting at {@code offset}. */
  public static IpAddress of(byte[] bytes, int offset, int length) {
    if (length == 4) {
      return ofV4(readInt(bytes, offset));
    }
    if (length == 16) {
      return new IpAddress(readLong(bytes, offset), readLong(bytes, offset + 8));
    }
    throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + length);
  }

  /** Parses the usual text forms: dotted IPv4, or IPv6 with {@code ::} compression and an optional dotted tail. */
  public static IpAddress parse(String text) {
    byte[] bytes = text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text);
    if (bytes == null) {
      throw new IllegalArgumentException("not an IP address: '" + text + "'");
    }
    return of(bytes);
  }

  public boolean isV4() {
    return high == 0L && (low >>> 32) == 0xFFFFL;
  }

  /** The low 32 bits: the IPv4 address when {@link #isV4()}. */
  public int v4Bits() {
    return (int) low;
  }

  /** 4 bytes for IPv4, 16 for IPv6, network order. */
  public byte[] toBytes() {
    if (isV4()) {
      int v = v4Bits();
      return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (high >>> (56 - 8 * i));
      out[8 + i] = (byte) (low >>> (56 - 8 * i));
    }
    return out;
  }

  /** The bit at position {@code index} (0 = most significant) of the 128-bit form. */
  public int bit(int index) {
    return index < 64 ? (int) (high >>> (63 - index)) & 1 : (int) (low >>> (127 - index)) & 1;
  }

  @Override
  public int compareTo(IpAddress o) {
    int c = Long.compareUnsigned(high, o.high);
    return c != 0 ? c : Long.compareUnsigned(low, o.low);
  }

  /** Dotted quad for IPv4; RFC 5952 canonical text for IPv6. */
  @Override
  public String toString() {
    if (isV4()) {
      int v = v4Bits();
      return (v >>> 24 & 0xFF) + "." + (v >>> 16 & 0xFF) + "." + (v >>> 8 & 0xFF) + "." + (v & 0xFF);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) (high >>> (48 - 16 * i)) & 0xFFFF;
      groups[4 + i] = (int) (low >>> (48 - 16 * i)) & 0xFFFF;
    }
    // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first one on a tie.
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }

  private static byte[] parseV4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] parseV6(String text) {
    int dc = text.indexOf("::");
    if (dc >= 0 && text.indexOf("::", dc + 1) >= 0) {
      return null;
    }
    String head = dc >= 0 ? text.substring(0, dc) : text;
    String tail = dc >= 0 ? text.substring(dc + 2) : "";
    int[] headGroups = parseGroups(head, dc < 0);
    int[] tailGroups = dc >= 0 ? parseGroups(tail, true) : new int[0];
    if (headGroups == null || tailGroups == null) {
      return null;
    }
    int total = headGroups.length + tailGroups.length;
    if ((dc < 0 && total != 8) || (dc >= 0 && total > 7)) {
      return null;
    }
    int[] groups = new int[8];
    System.arraycopy(headGroups, 0, groups, 0, headGroups.length);
    System.arraycopy(tailGroups, 0, groups, 8 - tailGroups.length, tailGroups.length);
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[2 * i] = (byte) (groups[i] >>> 8);
      out[2 * i + 1] = (byte) groups[i];
    }
    return out;
  }

  /** Groups of a colon-separated part; a dotted IPv4 tail counts as two groups when allowed. */
  private static int[] parseGroups(String part, boolean dottedTailAllowed) {
    if (part.isEmpty()) {
      return new int[0];
    }
    String[] items = part.split(":", -1);
    int[] out = new int[items.length + 1];
    int n = 0;
    for (int i = 0; i < items.length; i++) {
      String item = items[i];
      if (i == items.length - 1 && dottedTailAllowed && item.indexOf('.') >= 0) {
        byte[] v4 = parseV4(item);
        if (v4 == null) {
          return null;
        }
        out[n++] = (v4[0] & 0xFF) << 8 | (v4[1] & 0xFF);
        out[n++] = (v4[2] & 0xFF) << 8 | (v4[3] & 0xFF);
        continue;
      }
      if (item.isEmpty() || item.length() > 4) {
        return null;
      }
      int v = 0;
      for (int k = 0; k < item.length(); k++) {
        int d = Character.digit(item.charAt(k), 16);
        if (d < 0) {
          return null;
        }
        v = v << 4 | d;
      }
      out[n++] = v;
    }
    return Arrays.copyOf(out, n);
  }

  private static int readInt(byte[] b, int off) {
    return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
  }

  private static long readLong(byte[] b, int off) {
    return (readInt(b, off) & 0xFFFF_FFFFL) << 32 | (readInt(b, off + 4) & 0xFFFF_FFFFL);
  }
}
