package dev.flowagg.protocol.classify;

import dev.flowagg.protocol.net.IpAddress;

/**
 * An IPv4 or IPv6 address prefix (CIDR block) such as {@code 10.1.0.0/16} or {@code 2001:db8::/32}.
 *
 * <p>{@code length} counts bits within the address family: 0..32 for IPv4, 0..128 for IPv6. An IPv4 prefix never
 * covers an IPv6 address and the other way round, even where IPv6 space includes the IPv4-mapped block.
 */
public record Prefix(IpAddress network, int length) {

  /** Offset of an IPv4 address inside the 128-bit IPv4-mapped form. */
  static final int V4_OFFSET = 96;

  public Prefix {
    int max = network.isV4() ? 32 : 128;
    if (length < 0 || length > max) {
      throw new IllegalArgumentException("prefix length must be 0.." + max + ", not " + length);
    }
    int offset = network.isV4() ? V4_OFFSET : 0;
    for (int i = offset + length; i < 128; i++) {
      if (network.bit(i) != 0) {
        throw new IllegalArgumentException(
            network + "/" + length + " has address bits set past the prefix length; did you mean "
                + masked(network, length) + "/" + length + "?");
      }
    }
  }

  /**
   * Parses {@code address/length}, or a bare address as a single host (/32 or /128). An IPv4-mapped IPv6 prefix
   * ({@code ::ffff:10.0.0.0/104}) is taken as the IPv4 prefix it spells.
   */
  public static Prefix parse(String text) {
    int slash = text.indexOf('/');
    String addressText = slash < 0 ? text : text.substring(0, slash);
    IpAddress address = IpAddress.parse(addressText);
    if (slash < 0) {
      return new Prefix(address, address.isV4() ? 32 : 128);
    }
    String lengthText = text.substring(slash + 1);
    if (lengthText.isEmpty() || lengthText.length() > 3 || !lengthText.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("prefix length '" + lengthText + "' is not a number");
    }
    int length = Integer.parseInt(lengthText);
    if (address.isV4() && addressText.indexOf(':') >= 0) {
      if (length < V4_OFFSET) {
        throw new IllegalArgumentException("an IPv4-mapped prefix needs a length of at least 96, not " + length);
      }
      length -= V4_OFFSET;
    }
    return new Prefix(address, length);
  }

  public boolean isV4() {
    return network.isV4();
  }

  /** Whether {@code address} lies inside this prefix (always false across address families). */
  public boolean contains(IpAddress address) {
    if (address.isV4() != isV4()) {
      return false;
    }
    int offset = isV4() ? V4_OFFSET : 0;
    for (int i = offset; i < offset + length; i++) {
      if (address.bit(i) != network.bit(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return network + "/" + length;
  }

  private static IpAddress masked(IpAddress address, int length) {
    int bits = (address.isV4() ? V4_OFFSET : 0) + length;
    long highMask = bits >= 64 ? -1L : bits == 0 ? 0L : -1L << (64 - bits);
    long lowMask = bits <= 64 ? 0L : bits == 128 ? -1L : -1L << (128 - bits);
    return new IpAddress(address.high() & highMask, address.low() & lowMask);
  }
}
