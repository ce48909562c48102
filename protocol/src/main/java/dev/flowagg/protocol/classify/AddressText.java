package dev.flowagg.protocol.classify;

import dev.flowagg.protocol.net.IpAddress;

/**
 * The canonical text form of addresses, remembered in a small direct-mapped cache because the same few hosts
 * recur in flow after flow.
 *
 * <p>Safe to share between threads without locks: a slot holds an immutable entry, so a reader sees either a
 * whole entry or an older one, and a lost race only costs one extra {@code toString}.
 */
final class AddressText {

  private static final int SLOTS = 4096;

  private record Entry(IpAddress address, String text) {}

  private final Entry[] slots = new Entry[SLOTS];

  String of(IpAddress address) {
    int slot = spread(address) & (SLOTS - 1);
    Entry entry = slots[slot];
    if (entry != null && entry.address.equals(address)) {
      return entry.text;
    }
    String text = address.toString();
    slots[slot] = new Entry(address, text);
    return text;
  }

  private static int spread(IpAddress address) {
    long mixed = (address.high() ^ address.low()) * 0x9E37_79B9_7F4A_7C15L;
    return (int) (mixed >>> 40);
  }
}
