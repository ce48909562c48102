package dev.flowagg.protocol.vpclog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LookupTableTest {

  @Test
  void tagsAPortAndProtocolPair() {
    LookupTable table = LookupTable.parse("""
        dstport,protocol,tag
        25,tcp,sv_P1
        68,udp,sv_P2
        0,icmp,sv_P5
        """);

    assertThat(table.tagFor(25, 6)).hasValue("sv_P1");
    assertThat(table.tagFor(68, 17)).hasValue("sv_P2");
    assertThat(table.tagFor(0, 1)).hasValue("sv_P5");
    assertThat(table.tagFor(25, 17)).as("same port, other protocol").isEmpty();
    assertThat(table.tagFor(26, 6)).isEmpty();
    assertThat(table.size()).isEqualTo(3);
  }

  @Test
  void theProtocolMayBeAKeywordInAnyCaseOrANumber() {
    LookupTable table = LookupTable.parse("""
        dstport,protocol,tag
        443,TCP,https
        53,Udp,dns
        500,50,ipsec
        """);

    assertThat(table.tagFor(443, 6)).hasValue("https");
    assertThat(table.tagFor(53, 17)).hasValue("dns");
    assertThat(table.tagFor(500, 50)).hasValue("ipsec");
  }

  @Test
  void tagsMatchIgnoringCaseAndPrintAsFirstWritten() {
    LookupTable table = LookupTable.parse("""
        dstport,protocol,tag
        25,tcp,sv_P1
        23,tcp,SV_p1
        """);

    assertThat(table.tags()).containsExactly("sv_P1");
    assertThat(table.tagFor(23, 6)).hasValue("sv_P1");
  }

  @Test
  void theHeaderMayBeInAnyOrderAndCaseAndCellsAreTrimmed() {
    LookupTable table = LookupTable.parse("""
        Tag , DSTPORT,Protocol\s

        web ,  80 , tcp\s
        """);

    assertThat(table.tagFor(80, 6)).hasValue("web");
  }

  @Test
  void repeatingARowIsHarmless() {
    LookupTable table = LookupTable.parse("""
        dstport,protocol,tag
        25,tcp,sv_P1
        25,TCP,SV_P1
        25,6,sv_P1
        """);

    assertThat(table.size()).isEqualTo(1);
  }

  @Test
  void aPairTaggedTwiceDifferentlyNamesBothLines() {
    assertThatThrownBy(() -> LookupTable.parse("""
        dstport,protocol,tag
        25,tcp,sv_P1
        110,tcp,email
        25,6,email
        """))
        .isInstanceOfSatisfying(LookupTableException.class, e -> assertThat(e.lineNumber()).isEqualTo(4))
        .hasMessage("line 4: 25,tcp is already tagged 'sv_P1' (line 2), not 'email'");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "http,tcp,web | line 2: dstport 'http' is not a port number 0..65535",
    "65536,tcp,web | line 2: dstport '65536' is not a port number 0..65535",
    "-1,tcp,web | line 2: dstport '-1' is not a port number 0..65535",
    "80,tpc,web | line 2: protocol 'tpc' is not an IANA protocol keyword or a number 0..255",
    "80,300,web | line 2: protocol '300' is not an IANA protocol keyword or a number 0..255",
    "80,tcp, | line 2: the tag is empty",
    "80,tcp,untagged | line 2: tag 'untagged' is reserved for records that no row matches",
    "80,tcp | line 2: expected 3 cells (dstport,protocol,tag), found 2: '80,tcp'",
    "80,tcp,web,extra | line 2: expected 3 cells (dstport,protocol,tag), found 4: '80,tcp,web,extra'",
  })
  void aBadRowIsAnErrorNamingItsLine(String row, String message) {
    assertThatThrownBy(() -> LookupTable.parse("dstport,protocol,tag\n" + row + "\n"))
        .isInstanceOf(LookupTableException.class)
        .hasMessage(message);
  }

  @Test
  void theFirstRowMustBeTheHeader() {
    assertThatThrownBy(() -> LookupTable.parse("25,tcp,sv_P1\n"))
        .hasMessage("line 1: expected the header row dstport,protocol,tag, found '25,tcp,sv_P1'");
    assertThatThrownBy(() -> LookupTable.parse("dstport,protocol,protocol\n"))
        .hasMessageStartingWith("line 1: expected the header row");
    assertThatThrownBy(() -> LookupTable.parse("")).hasMessage("line 1: no header row; expected dstport,protocol,tag");
  }

  @Test
  void aHeaderAloneIsAnEmptyTable() {
    LookupTable table = LookupTable.parse("dstport,protocol,tag\n");

    assertThat(table.size()).isZero();
    assertThat(table.tagIndexOf(80, 6)).isEqualTo(-1);
  }

  @Test
  void lookupsOutsideTheValidRangesFindNothing() {
    LookupTable table = LookupTable.parse("dstport,protocol,tag\n80,tcp,web\n");

    assertThat(table.tagIndexOf(-1, 6)).isEqualTo(-1);
    assertThat(table.tagIndexOf(80, -1)).isEqualTo(-1);
    assertThat(table.tagIndexOf(65536, 6)).isEqualTo(-1);
    assertThat(table.tagIndexOf(80, 256)).isEqualTo(-1);
  }

  @Test
  void aBuiltTableIsNotChangedByItsBuilder() {
    LookupTable.Builder builder = LookupTable.builder();
    builder.add(80, 6, "web");
    LookupTable table = builder.build();
    builder.add(443, 6, "web");

    assertThat(table.tagFor(443, 6)).isEmpty();
  }
}
