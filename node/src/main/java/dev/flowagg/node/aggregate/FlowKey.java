package dev.flowagg.node.aggregate;

/**
 * A flow tuple: {@code (src_app, dest_app, vpc_id)}. Names may hold any Unicode and be up to 255 characters each; a
 * tuple belongs to one {@link FlowSlice}, chosen by a hash of its names.
 */
public record FlowKey(String srcApp, String destApp, String vpcId) {

  /**
   * The {@link FlowSlice} that owns this tuple, in {@code [0, FlowSlice.SLICES)}: 64-bit FNV-1a over each name's length
   * and UTF-16 code units. Stored data depends on it: it must never change.
   */
  public int slice() {
    long h = 0xCBF2_9CE4_8422_2325L;
    for (String part : new String[] {srcApp, destApp, vpcId}) {
      h = (h ^ part.length()) * 0x100_0000_01B3L;
      for (int i = 0; i < part.length(); i++) {
        h = (h ^ part.charAt(i)) * 0x100_0000_01B3L;
      }
    }
    return (int) Long.remainderUnsigned(h ^ (h >>> 29), FlowSlice.SLICES);
  }

  /** Compares by Unicode code points (the order of the UTF-8 bytes), not by UTF-16 units. */
  public static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
