package dev.flowagg.protocol.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressTest {

  @ParameterizedTest
  @CsvSource({
    "10.0.0.1, 10.0.0.1",
    "255.255.255.255, 255.255.255.255",
    "0.0.0.0, 0.0.0.0",
    "::1, ::1",
    "::, ::",
    "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
    "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "fe80::1:2, fe80::1:2",
    "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
  })
  void printsTheCanonicalTextForm(String input, String expected) {
    assertThat(IpAddress.parse(input).toString()).isEqualTo(expected);
  }

  @Test
  void ipv4KeepsItsFourBytes() throws Exception {
    IpAddress a = IpAddress.parse("192.0.2.7");
    assertThat(a.isV4()).isTrue();
    assertThat(a.toBytes()).containsExactly(InetAddress.getByName("192.0.2.7").getAddress());
    assertThat(IpAddress.of(a.toBytes())).isEqualTo(a);
  }

  @Test
  void ipv6RoundTripsThroughBytes() throws Exception {
    IpAddress a = IpAddress.parse("2001:db8:85a3::8a2e:370:7334");
    assertThat(a.isV4()).isFalse();
    assertThat(a.toBytes()).containsExactly(InetAddress.getByName("2001:db8:85a3::8a2e:370:7334").getAddress());
    assertThat(IpAddress.of(a.toBytes())).isEqualTo(a);
  }

  @Test
  void ordersNumerically() {
    assertThat(IpAddress.parse("10.0.0.2")).isGreaterThan(IpAddress.parse("10.0.0.1"));
    assertThat(IpAddress.parse("9.255.255.255")).isLessThan(IpAddress.parse("10.0.0.0"));
    assertThat(IpAddress.parse("255.0.0.1")).isGreaterThan(IpAddress.parse("1.0.0.1"));
  }

  @ParameterizedTest
  @CsvSource({"1.2.3", "1.2.3.256", "1.2.3.4.5", "a.b.c.d", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "''"})
  void rejectsWhatIsNotAnAddress(String text) {
    assertThatThrownBy(() -> IpAddress.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
