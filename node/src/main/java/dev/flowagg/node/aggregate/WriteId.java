package dev.flowagg.node.aggregate;

import java.util.UUID;

/**
 * What makes a retried write count once. A {@link FlowSlice} remembers the ids it applied: per sequenced writer only
 * the highest sequence number, and a bounded number of unique ids.
 */
public sealed interface WriteId {

  /**
   * One step of a writer that sends a slice its writes one at a time, in increasing order, each until it is
   * acknowledged (NetFlow delivery): the slice keeps only the writer's highest applied {@code seq}.
   */
  record Sequenced(long writer, long seq) implements WriteId {}

  /** A write that may come again in any order (an HTTP request and its retries): a 128-bit id. */
  record Unique(long high, long low) implements WriteId {

    /** The id of one part of a write: parts of one write sent to one slice are told apart. */
    public Unique part(int part) {
      return part == 0 ? this : new Unique(high, low ^ (part * 0x9E37_79B9_7F4A_7C15L));
    }

    public static Unique of(UUID uuid) {
      return new Unique(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    }

    /** The id of a write id string: its UUID when it is one, else a digest of the string. */
    public static Unique of(String writeId) {
      try {
        return of(UUID.fromString(writeId));
      } catch (IllegalArgumentException notAUuid) {
        return of(UUID.nameUUIDFromBytes(writeId.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
    }
  }
}
