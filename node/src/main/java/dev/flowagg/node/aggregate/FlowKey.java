package dev.flowagg.node.aggregate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The flow tuple an entity aggregates: {@code (src_app, dest_app, vpc_id)}.
 *
 * <p>Names may hold any Unicode (including {@code |}, reserved in persistence ids) and be up to 255 characters each,
 * so the entity id is a digest of the tuple: fixed length, safe in actor paths and persistence ids. The entity keeps
 * the tuple itself in its state.
 */
public record FlowKey(String srcApp, String destApp, String vpcId) {

  /** Sorts by {@code src_app, dest_app, vpc_id}, each by Unicode code point (the order of their UTF-8 bytes). */
  public static final Comparator<FlowKey> ORDER =
      Comparator.comparing(FlowKey::srcApp, FlowKey::compareCodePoints)
          .thenComparing(FlowKey::destApp, FlowKey::compareCodePoints)
          .thenComparing(FlowKey::vpcId, FlowKey::compareCodePoints);

  // Digests of recently used tuples: a GET of a 10 000-tuple hour otherwise spends most of its CPU hashing. Cleared
  // wholesale when full, which keeps it bounded without the bookkeeping of an LRU.
  private static final int CACHED_IDS = 200_000;
  private static final ConcurrentHashMap<FlowKey, String> IDS = new ConcurrentHashMap<>();

  /** The sharding entity id: base64url of SHA-256 over the length-prefixed UTF-8 names, 43 characters. */
  public String entityId() {
    String id = IDS.get(this);
    if (id == null) {
      id = digest();
      if (IDS.size() >= CACHED_IDS) {
        IDS.clear();
      }
      IDS.put(this, id);
    }
    return id;
  }

  private String digest() {
    MessageDigest sha = sha256();
    for (String part : new String[] {srcApp, destApp, vpcId}) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      sha.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8), (byte) bytes.length});
      sha.update(bytes);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest());
  }

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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
