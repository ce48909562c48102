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

  /**
   * A hash for the node's maps. The record's own, {@code 31 * (31 * h(src) + h(dst)) + h(vpc)}, collides wholesale
   * for names that are addresses: {@code String.hashCode} is itself a sum of powers of 31, so a change in one
   * name's last digit cancels one in the next name's second-to-last ({@code 10.0.0.1 → 172.16.0.10} and
   * {@code 10.0.0.2 → 172.16.0.1}), and 100 000 tuples of a NetFlow stream shared 28 000 hashes.
   */
  @Override
  public int hashCode() {
    long h = srcApp.hashCode();
    h = h * 0x9E37_79B9_7F4A_7C15L + destApp.hashCode();
    h = h * 0x9E37_79B9_7F4A_7C15L + vpcId.hashCode();
    h = (h ^ (h >>> 32)) * 0xD6E8_FEB8_6659_FD93L;
    return (int) (h ^ (h >>> 32));
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
