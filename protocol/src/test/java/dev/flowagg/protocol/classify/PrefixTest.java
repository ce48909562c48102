package dev.flowagg.protocol.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowagg.protocol.net.IpAddress;
import org.junit.jupiter.api.Test;

class PrefixTest {

  @Test
  void parsesIpv4AndIpv6Blocks() {
    assertThat(Prefix.parse("10.1.0.0/16")).isEqualTo(new Prefix(IpAddress.parse("10.1.0.0"), 16));
    assertThat(Prefix.parse("2001:db8::/32")).isEqualTo(new Prefix(IpAddress.parse("2001:db8::"), 32));
  }

  @Test
  void aBareAddressIsASingleHost() {
    assertThat(Prefix.parse("192.0.2.53").length()).isEqualTo(32);
    assertThat(Prefix.parse("2001:db8::1").length()).isEqualTo(128);
  }

  @Test
  void anIpv4MappedPrefixIsTheIpv4PrefixItSpells() {
    assertThat(Prefix.parse("::ffff:10.0.0.0/104")).isEqualTo(Prefix.parse("10.0.0.0/8"));
  }

  @Test
  void containsOnlyAddressesOfItsOwnFamily() {
    Prefix everyV6 = Prefix.parse("::/0");

    assertThat(everyV6.contains(IpAddress.parse("2001:db8::1"))).isTrue();
    assertThat(everyV6.contains(IpAddress.parse("10.0.0.1"))).isFalse();
    assertThat(Prefix.parse("10.0.0.0/8").contains(IpAddress.parse("10.255.0.1"))).isTrue();
    assertThat(Prefix.parse("10.0.0.0/8").contains(IpAddress.parse("11.0.0.1"))).isFalse();
  }

  @Test
  void rejectsHostBitsPastThePrefixAndSuggestsTheBlock() {
    assertThatThrownBy(() -> Prefix.parse("10.1.2.3/16")).hasMessageContaining("did you mean 10.1.0.0/16?");
    assertThatThrownBy(() -> Prefix.parse("2001:db8::1/64")).hasMessageContaining("did you mean 2001:db8::/64?");
  }

  @Test
  void rejectsLengthsOutsideTheFamily() {
    assertThatThrownBy(() -> Prefix.parse("10.0.0.0/33")).hasMessageContaining("0..32");
    assertThatThrownBy(() -> Prefix.parse("::/129")).hasMessageContaining("0..128");
    assertThatThrownBy(() -> Prefix.parse("10.0.0.0/x")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> Prefix.parse("10.0.0/8")).hasMessageContaining("not an IP address");
  }

  @Test
  void printsAsCidr() {
    assertThat(Prefix.parse("2001:DB8:0::/48")).hasToString("2001:db8::/48");
  }
}
