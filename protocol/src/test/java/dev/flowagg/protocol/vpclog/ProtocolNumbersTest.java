package dev.flowagg.protocol.vpclog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolNumbersTest {

  @ParameterizedTest
  @CsvSource({
    "0, hopopt", "1, icmp", "2, igmp", "4, ipv4", "6, tcp", "17, udp", "41, ipv6", "47, gre", "50, esp", "51, ah",
    "58, ipv6-icmp", "84, ttp", "88, eigrp", "89, ospfigp", "103, pim", "112, vrrp", "115, l2tp", "124, isis",
    "132, sctp", "135, mobility-header", "136, udplite", "143, ethernet", "144, aggfrag", "145, nsh",
    "253, experimental-253", "254, experimental-254", "255, reserved",
  })
  void namesRegisteredProtocolsByTheirLowerCaseKeyword(int number, String keyword) {
    assertThat(ProtocolNumbers.keyword(number)).isEqualTo(keyword);
  }

  @ParameterizedTest
  @ValueSource(ints = {147, 200, 252, 256, 1000, -1})
  void unassignedNumbersStayNumeric(int number) {
    assertThat(ProtocolNumbers.keyword(number)).isEqualTo(Integer.toString(number));
    assertThat(ProtocolNumbers.isAssigned(number)).isFalse();
  }

  @Test
  void coversTheWholeRegistry() {
    for (int number = 0; number <= 146; number++) {
      assertThat(ProtocolNumbers.isAssigned(number)).as("%d", number).isTrue();
      assertThat(ProtocolNumbers.keyword(number)).as("%d", number).matches("[a-z0-9][a-z0-9.+/-]*");
    }
  }

  @Test
  void everyKeywordIsDistinctAndReadsBackAsItsNumber() {
    Set<String> seen = new HashSet<>();
    for (int number = 0; number < 256; number++) {
      if (ProtocolNumbers.isAssigned(number)) {
        String keyword = ProtocolNumbers.keyword(number);
        assertThat(seen.add(keyword)).as("%s is used once", keyword).isTrue();
        assertThat(ProtocolNumbers.parse(keyword)).hasValue(number);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"TCP, 6", "Udp, 17", "ICMP, 1", "IPv6-ICMP, 58", "  sctp , 132", "6, 6", "255, 255", "ISIS over IPv4, 124",
      "Mobility Header, 135", "IPTM, 84", "ip, 0", "ipencap, 4"})
  void readsKeywordsInAnyCaseAliasesAndNumbers(String text, int number) {
    assertThat(ProtocolNumbers.parse(text)).hasValue(number);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "tcpx", "256", "-1", "1e2", "6.0"})
  void readsNothingFromWhatNamesNoProtocol(String text) {
    assertThat(ProtocolNumbers.parse(text)).isEmpty();
  }

  @Test
  void agreesWithTheSystemProtocolsFileWhereThereIsOne() throws Exception {
    Path etcProtocols = Path.of("/etc/protocols");
    assumeTrue(Files.isReadable(etcProtocols), "no /etc/protocols here");
    int checked = 0;
    for (String line : Files.readAllLines(etcProtocols)) {
      String entry = line.replaceFirst("#.*", "").strip();
      if (entry.isEmpty()) {
        continue;
      }
      String[] words = entry.split("\\s+");
      int number = Integer.parseInt(words[1]);
      if (number > 255) {
        continue;
      }
      for (int i = 0; i < words.length; i++) {
        if (i != 1) {
          assertThat(ProtocolNumbers.parse(words[i])).as("%s in /etc/protocols", words[i]).hasValue(number);
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(0);
  }
}
