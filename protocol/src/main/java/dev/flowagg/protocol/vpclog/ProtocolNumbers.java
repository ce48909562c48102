package dev.flowagg.protocol.vpclog;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The IANA "Assigned Internet Protocol Numbers" registry: protocol number to keyword in lower case and back.
 *
 * <p>Keywords are the registry's, lower-cased, with a "(deprecated)" note dropped. Where the registry has no single
 * word this table uses the one {@code /etc/protocols} uses (124 {@code isis}, 135 {@code mobility-header}); entries
 * the registry leaves without a keyword get a descriptive one ({@code any-host-internal}, {@code experimental-253}
 * and so on). Numbers 147..252 are unassigned and print as the number.
 */
public final class ProtocolNumbers {

  /** Keywords 0..146 in registry order. */
  private static final String[] ASSIGNED = {
    "hopopt", "icmp", "igmp", "ggp", "ipv4", "st", "tcp", "cbt", "egp", "igp", // 0-9
    "bbn-rcc-mon", "nvp-ii", "pup", "argus", "emcon", "xnet", "chaos", "udp", "mux", "dcn-meas", // 10-19
    "hmp", "prm", "xns-idp", "trunk-1", "trunk-2", "leaf-1", "leaf-2", "rdp", "irtp", "iso-tp4", // 20-29
    "netblt", "mfe-nsp", "merit-inp", "dccp", "3pc", "idpr", "xtp", "ddp", "idpr-cmtp", "tp++", // 30-39
    "il", "ipv6", "sdrp", "ipv6-route", "ipv6-frag", "idrp", "rsvp", "gre", "dsr", "bna", // 40-49
    "esp", "ah", "i-nlsp", "swipe", "narp", "min-ipv4", "tlsp", "skip", "ipv6-icmp", "ipv6-nonxt", // 50-59
    "ipv6-opts", "any-host-internal", "cftp", "any-local-network", "sat-expak", "kryptolan", "rvd", "ippc",
    "any-distributed-file-system", "sat-mon", // 60-69
    "visa", "ipcv", "cpnx", "cphb", "wsn", "pvp", "br-sat-mon", "sun-nd", "wb-mon", "wb-expak", // 70-79
    "iso-ip", "vmtp", "secure-vmtp", "vines", "ttp", "nsfnet-igp", "dgp", "tcf", "eigrp", "ospfigp", // 80-89
    "sprite-rpc", "larp", "mtp", "ax.25", "ipip", "micp", "scc-sp", "etherip", "encap",
    "any-private-encryption", // 90-99
    "gmtp", "ifmp", "pnni", "pim", "aris", "scps", "qnx", "a/n", "ipcomp", "snp", // 100-109
    "compaq-peer", "ipx-in-ip", "vrrp", "pgm", "any-0-hop", "l2tp", "ddx", "iatp", "stp", "srp", // 110-119
    "uti", "smp", "sm", "ptp", "isis", "fire", "crtp", "crudp", "sscopmce", "iplt", // 120-129
    "sps", "pipe", "sctp", "fc", "rsvp-e2e-ignore", "mobility-header", "udplite", "mpls-in-ip", "manet", "hip", // 130-139
    "shim6", "wesp", "rohc", "ethernet", "aggfrag", "nsh", "homa", // 140-146
  };

  /** Other spellings accepted when reading a keyword: the registry's own, and the usual {@code /etc/protocols} ones. */
  private static final Map<String, Integer> ALIASES = Map.ofEntries(
      Map.entry("ip", 0),
      Map.entry("ipencap", 4),
      Map.entry("ip-encap", 4),
      Map.entry("ipsec-esp", 50),
      Map.entry("ipsec-ah", 51),
      Map.entry("icmpv6", 58),
      Map.entry("rspf", 73), // /etc/protocols' name for CPHB
      Map.entry("iptm", 84), // the registry lists 84 twice, as TTP and as IPTM
      Map.entry("ospf", 89),
      Map.entry("isis over ipv4", 124),
      Map.entry("mobility header", 135));

  private static final String[] KEYWORDS = new String[256];
  private static final Map<String, Integer> NUMBERS = new HashMap<>();

  static {
    for (int number = 0; number < 256; number++) {
      KEYWORDS[number] = Integer.toString(number);
    }
    System.arraycopy(ASSIGNED, 0, KEYWORDS, 0, ASSIGNED.length);
    // RFC 3692: 253 and 254 are for experimentation and testing; 255 is reserved.
    KEYWORDS[253] = "experimental-253";
    KEYWORDS[254] = "experimental-254";
    KEYWORDS[255] = "reserved";
    for (int number = 0; number < 256; number++) {
      if (isAssigned(number)) {
        NUMBERS.put(KEYWORDS[number], number);
      }
    }
    NUMBERS.putAll(ALIASES);
  }

  private ProtocolNumbers() {}

  /** The lower-case keyword of {@code number}, or the number in decimal when the registry assigns it none. */
  public static String keyword(int number) {
    return number >= 0 && number < 256 ? KEYWORDS[number] : Integer.toString(number);
  }

  /** Whether the registry assigns {@code number}. */
  public static boolean isAssigned(int number) {
    return number >= 0 && number < ASSIGNED.length || number >= 253 && number <= 255;
  }

  /**
   * The protocol number a text names: a keyword or alias in any letter case ({@code TCP}, {@code Ipv6-ICMP}), or a
   * decimal number 0..255. Empty when it names none.
   */
  public static OptionalInt parse(String text) {
    String key = text.strip().toLowerCase(Locale.ROOT);
    Integer number = NUMBERS.get(key);
    if (number != null) {
      return OptionalInt.of(number);
    }
    if (!key.isEmpty() && key.length() <= 3 && key.chars().allMatch(c -> c >= '0' && c <= '9')) {
      int value = Integer.parseInt(key);
      return value <= 255 ? OptionalInt.of(value) : OptionalInt.empty();
    }
    return OptionalInt.empty();
  }
}
