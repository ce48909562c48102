package dev.flowagg.nativeagg;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.classify.Prefix;
import dev.flowagg.protocol.net.IpAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ClassificationRules} as flat tables both kernels share: rule names by index, prefixes as
 * {@code (high, low, length, index)} words, and the service-port bitmap.
 */
final class ClassificationTables {

  final ClassificationRules rules;
  final String[] appNames;
  final long[] appPrefixes;
  final String[] vpcNames;
  final long[] vpcPrefixes;
  final long[] servicePortWords = new long[1024];
  /** True when a rule name is also some address's text, so rows with different ids may carry the same names. */
  final boolean namesMayCollide;
  private final PrefixIndex appsV4 = new PrefixIndex();
  private final PrefixIndex appsV6 = new PrefixIndex();
  private final PrefixIndex vpcsV4 = new PrefixIndex();
  private final PrefixIndex vpcsV6 = new PrefixIndex();

  ClassificationTables(ClassificationRules rules) {
    this.rules = rules;
    Map<String, Integer> apps = new LinkedHashMap<>();
    List<long[]> appRules = new ArrayList<>();
    rules.forEachAppRule((prefix, name) -> appRules.add(words(prefix, apps.computeIfAbsent(name, n -> apps.size()))));
    Map<String, Integer> vpcs = new LinkedHashMap<>();
    List<long[]> vpcRules = new ArrayList<>();
    rules.forEachExporterVpcRule(
        (prefix, name) -> vpcRules.add(words(prefix, vpcs.computeIfAbsent(name, n -> vpcs.size()))));
    appNames = apps.keySet().toArray(String[]::new);
    vpcNames = vpcs.keySet().toArray(String[]::new);
    appPrefixes = flatten(appRules);
    vpcPrefixes = flatten(vpcRules);
    fill(appsV4, appsV6, appPrefixes);
    fill(vpcsV4, vpcsV6, vpcPrefixes);
    for (int port = 0; port < 65536; port++) {
      if (rules.servicePorts().contains(port)) {
        servicePortWords[port >>> 6] |= 1L << port;
      }
    }
    namesMayCollide = apps.keySet().stream().anyMatch(ClassificationTables::isAddressText)
        || vpcs.keySet().stream().anyMatch(ClassificationTables::isAddressText);
  }

  /** The app rule index of an address, or -1. */
  int appIndex(long high, long low) {
    return isV4(high, low) ? appsV4.longestMatch(low << 32, 0, 32) : appsV6.longestMatch(high, low, 128);
  }

  /** The VPC rule index of an exporter address, or -1. */
  int vpcIndex(long high, long low) {
    return isV4(high, low) ? vpcsV4.longestMatch(low << 32, 0, 32) : vpcsV6.longestMatch(high, low, 128);
  }

  /** Whether {@code port} marks the server side; the same test as {@code ServicePorts.contains}. */
  boolean isServicePort(int port) {
    return (port & ~0xFFFF) == 0 && (servicePortWords[port >>> 6] & 1L << port) != 0;
  }

  /** The name a row column stands for: a rule name by index, or the address's text. */
  String nameOf(long high, long low, boolean isIndex, String[] names) {
    return isIndex ? names[(int) low] : rules.textOf(new IpAddress(high, low));
  }

  static boolean isV4(long high, long low) {
    return high == 0 && (low >>> 32) == 0xFFFFL;
  }

  private static long[] words(Prefix prefix, int index) {
    IpAddress n = prefix.network();
    return new long[] {n.high(), n.low(), prefix.length(), index};
  }

  private static long[] flatten(List<long[]> rules) {
    long[] out = new long[rules.size() * 4];
    for (int i = 0; i < rules.size(); i++) {
      System.arraycopy(rules.get(i), 0, out, i * 4, 4);
    }
    return out;
  }

  private static void fill(PrefixIndex v4, PrefixIndex v6, long[] prefixes) {
    for (int i = 0; i < prefixes.length; i += 4) {
      long high = prefixes[i];
      long low = prefixes[i + 1];
      if (isV4(high, low)) {
        v4.put(low << 32, 0, (int) prefixes[i + 2], (int) prefixes[i + 3]);
      } else {
        v6.put(high, low, (int) prefixes[i + 2], (int) prefixes[i + 3]);
      }
    }
  }

  private static boolean isAddressText(String name) {
    try {
      return IpAddress.parse(name).toString().equals(name);
    } catch (IllegalArgumentException notAnAddress) {
      return false;
    }
  }
}
