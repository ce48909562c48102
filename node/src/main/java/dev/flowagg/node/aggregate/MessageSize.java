package dev.flowagg.node.aggregate;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps lists of tuples in remote messages under the cluster transport's frame limit (256 KiB): a tuple's names can
 * be up to 3 × 255 characters, so lists are cut by estimated size, not by count.
 */
final class MessageSize {

  /** Estimated bytes of tuples one message may carry: half the frame limit, for CBOR framing and headroom. */
  static final int MAX_TUPLE_BYTES = 128 * 1024;

  private MessageSize() {}

  /** An upper bound of a tuple's serialized size: UTF-8 is at most 3 bytes per UTF-16 unit, plus field overhead. */
  static int estimate(FlowKey key) {
    return 3 * (key.srcApp().length() + key.destApp().length() + key.vpcId().length()) + 48;
  }

  /** The tuples cut into consecutive chunks that each fit one message. */
  static List<List<FlowKey>> chunks(List<FlowKey> keys) {
    List<List<FlowKey>> out = new ArrayList<>();
    List<FlowKey> current = new ArrayList<>();
    int bytes = 0;
    for (FlowKey k : keys) {
      int size = estimate(k);
      if (!current.isEmpty() && bytes + size > MAX_TUPLE_BYTES) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(k);
      bytes += size;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }
}
