package dev.flowagg.protocol.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.net.IpAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrefixMapTest {

  @Test
  void theLongestMatchingPrefixWins() {
    PrefixMap<String> map = new PrefixMap<>();
    map.put(Prefix.parse("10.0.0.0/8"), "corp");
    map.put(Prefix.parse("10.1.7.0/24"), "billing-db");
    map.put(Prefix.parse("10.1.0.0/16"), "billing");

    assertThat(map.longestMatch(IpAddress.parse("10.1.7.4"))).isEqualTo("billing-db");
    assertThat(map.longestMatch(IpAddress.parse("10.1.8.4"))).isEqualTo("billing");
    assertThat(map.longestMatch(IpAddress.parse("10.200.0.1"))).isEqualTo("corp");
    assertThat(map.longestMatch(IpAddress.parse("11.0.0.1"))).isNull();
  }

  @Test
  void aDefaultRouteMatchesEverythingOfItsFamily() {
    PrefixMap<String> map = new PrefixMap<>();
    map.put(Prefix.parse("0.0.0.0/0"), "internet-v4");

    assertThat(map.longestMatch(IpAddress.parse("203.0.113.9"))).isEqualTo("internet-v4");
    assertThat(map.longestMatch(IpAddress.parse("2001:db8::9"))).isNull();
  }

  @Test
  void ipv6PrefixesMatchDeepAddresses() {
    PrefixMap<String> map = new PrefixMap<>();
    map.put(Prefix.parse("2001:db8:7::/48"), "web");
    map.put(Prefix.parse("2001:db8:7:1::/64"), "web-canary");
    map.put(Prefix.parse("2001:db8:7:1::abcd"), "one-host");

    assertThat(map.longestMatch(IpAddress.parse("2001:db8:7:2::1"))).isEqualTo("web");
    assertThat(map.longestMatch(IpAddress.parse("2001:db8:7:1::1"))).isEqualTo("web-canary");
    assertThat(map.longestMatch(IpAddress.parse("2001:db8:7:1::abcd"))).isEqualTo("one-host");
  }

  @Test
  void puttingTheSamePrefixAgainReplacesItsValue() {
    PrefixMap<String> map = new PrefixMap<>();

    assertThat(map.put(Prefix.parse("10.0.0.0/8"), "a")).isNull();
    assertThat(map.put(Prefix.parse("10.0.0.0/8"), "b")).isEqualTo("a");
    assertThat(map.size()).isEqualTo(1);
    assertThat(map.longestMatch(IpAddress.parse("10.0.0.1"))).isEqualTo("b");
  }

  @Test
  void agreesWithALinearScanOverManyRandomPrefixes() {
    Random random = new Random(42);
    PrefixMap<Prefix> map = new PrefixMap<>();
    Prefix[] prefixes = new Prefix[2000];
    for (int i = 0; i < prefixes.length; i++) {
      int length = 8 + random.nextInt(25);
      int bits = random.nextInt() & (-1 << (32 - length));
      prefixes[i] = new Prefix(IpAddress.ofV4(bits), length);
      map.put(prefixes[i], prefixes[i]);
    }
    for (int probe = 0; probe < 5000; probe++) {
      IpAddress address = IpAddress.ofV4(probe % 2 == 0 ? random.nextInt() : prefixes[probe % 2000].network().v4Bits());
      Prefix expected = null;
      for (Prefix p : prefixes) {
        if (p.contains(address) && (expected == null || p.length() > expected.length())) {
          expected = p;
        }
      }
      assertThat(map.longestMatch(address)).as("lookup of %s", address).isEqualTo(expected);
    }
  }

  @Test
  void forEachHandsOutEveryPrefixWithItsValue() {
    PrefixMap<String> map = new PrefixMap<>();
    map.put(Prefix.parse("0.0.0.0/0"), "any");
    map.put(Prefix.parse("10.1.7.0/24"), "billing-db");
    map.put(Prefix.parse("10.128.0.0/9"), "upper");
    map.put(Prefix.parse("2001:db8:7:1::abcd"), "one-host");
    map.put(Prefix.parse("::/0"), "any-v6");
    java.util.Map<Prefix, String> seen = new java.util.HashMap<>();

    map.forEach(seen::put);

    assertThat(seen).containsOnly(
        java.util.Map.entry(Prefix.parse("0.0.0.0/0"), "any"),
        java.util.Map.entry(Prefix.parse("10.1.7.0/24"), "billing-db"),
        java.util.Map.entry(Prefix.parse("10.128.0.0/9"), "upper"),
        java.util.Map.entry(Prefix.parse("2001:db8:7:1::abcd"), "one-host"),
        java.util.Map.entry(Prefix.parse("::/0"), "any-v6"));
  }
}
