package dev.flowagg.protocol.vpclog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.flow.FlowRecord;
import dev.flowagg.protocol.vpclog.FlowLogConverter.Conversion;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class FlowLogConverterTest {

  private static final ClassificationRules RULES = ClassificationRules.parse("""
      [apps]
      10.0.1.0/24        billing
      10.0.2.0/24        checkout
      2001:db8:2::/48    checkout
      [interfaces]
      eni-aaaa           vpc-from-rule
      """);

  private static final LookupTable LOOKUP = LookupTable.parse("""
      dstport,protocol,tag
      443,tcp,HTTPS
      5432,tcp,postgres
      """);

  // end 1620140821 is in hour 450039 (1620140400 = 450039 * 3600).
  private static final long HOUR = 450039;

  private final FlowLogConverter converter = new FlowLogConverter(RULES, LOOKUP);

  private static String line(String src, int srcport, String dst, int dstport, int protocol, long bytes) {
    return "2 123456789012 eni-aaaa " + src + " " + dst + " " + srcport + " " + dstport + " " + protocol + " 10 "
        + bytes + " 1620140761 1620140821 ACCEPT OK";
  }

  private List<FlowRecord> converted(String... lines) {
    Conversion conversion = converter.convert(List.of(lines));
    assertThat(conversion).isInstanceOf(Conversion.Converted.class);
    return ((Conversion.Converted) conversion).records();
  }

  private List<LineProblem> rejected(String... lines) {
    Conversion conversion = converter.convert(List.of(lines));
    assertThat(conversion).isInstanceOf(Conversion.Rejected.class);
    return ((Conversion.Rejected) conversion).problems();
  }

  @Test
  void aRequestToTheServerCountsAsBytesSentByTheClient() {
    assertThat(converted(line("10.0.1.5", 49200, "10.0.2.9", 443, 6, 5000)))
        .containsExactly(new FlowRecord("billing", "checkout", "vpc-from-rule", 5000, 0, HOUR));
  }

  @Test
  void theServersReplyCountsAsBytesReceivedUnderTheSameKey() {
    assertThat(converted(line("10.0.2.9", 443, "10.0.1.5", 49200, 6, 9000)))
        .containsExactly(new FlowRecord("billing", "checkout", "vpc-from-rule", 0, 9000, HOUR));
  }

  @Test
  void aServerWithoutAnAddressRuleTakesTheTagOfItsPortAndProtocol() {
    assertThat(converted(line("10.0.1.5", 49200, "198.51.100.7", 443, 6, 700)))
        .extracting(FlowRecord::destApp).containsExactly("HTTPS");
    assertThat(converted(line("198.51.100.7", 443, "10.0.1.5", 49200, 6, 700)))
        .as("the server is the source here").extracting(FlowRecord::destApp).containsExactly("HTTPS");
  }

  @Test
  void anAddressRuleOnTheServerWinsOverTheTag() {
    assertThat(converted(line("10.0.1.5", 49200, "10.0.2.9", 5432, 6, 1)))
        .extracting(FlowRecord::destApp).containsExactly("checkout");
  }

  @Test
  void aServerWithNeitherRuleNorTagIsItsAddress() {
    assertThat(converted(line("10.0.1.5", 49200, "198.51.100.7", 8443, 6, 1)))
        .extracting(FlowRecord::destApp).containsExactly("198.51.100.7");
    assertThat(converted(line("10.0.1.5", 49200, "198.51.100.7", 443, 17, 1)))
        .as("443 is tagged for tcp only").extracting(FlowRecord::destApp).containsExactly("198.51.100.7");
  }

  @Test
  void aClientWithoutAnAddressRuleIsItsAddressEvenWhenItsPortIsTagged() {
    // The client's port 5432 is in the lookup table, but only the server side ever takes a tag.
    assertThat(converted(line("203.0.113.9", 5432, "10.0.2.9", 443, 6, 1)))
        .extracting(FlowRecord::srcApp, FlowRecord::destApp)
        .containsExactly(Tuple.tuple("203.0.113.9", "checkout"));
  }

  @Test
  void ipv6AddressesAreClassifiedAndPrintedCanonically() {
    assertThat(converted(line("2001:DB8:1:0::5", 50000, "2001:db8:2::9", 443, 6, 10)))
        .containsExactly(new FlowRecord("2001:db8:1::5", "checkout", "vpc-from-rule", 10, 0, HOUR));
  }

  @Test
  void theVpcIdFieldWinsOverTheInterfaceRule() {
    assertThat(converted(
        "vpc-id interface-id srcaddr dstaddr srcport dstport protocol bytes end",
        "vpc-0123 eni-aaaa 10.0.1.5 10.0.2.9 49200 443 6 100 7200",
        "- eni-aaaa 10.0.1.5 10.0.2.9 49200 443 6 100 7200",
        "- eni-bbbb 10.0.1.5 10.0.2.9 49200 443 6 100 7200"))
        .extracting(FlowRecord::vpcId).containsExactly("vpc-0123", "vpc-from-rule", "unknown");
  }

  @Test
  void withoutVpcIdOrInterfaceTheVpcIsUnknown() {
    assertThat(converted("srcaddr dstaddr srcport dstport protocol bytes end", "10.0.1.5 10.0.2.9 49200 443 6 1 3600"))
        .containsExactly(new FlowRecord("billing", "checkout", "unknown", 1, 0, 1));
  }

  @Test
  void recordsWithoutTrafficAreSkipped() {
    Conversion conversion = converter.convert(List.of(
        "2 123456789010 eni-aaaa - - - - - - - 1431280876 1431280934 - NODATA",
        "2 123456789010 eni-aaaa - - - - - - - 1431280876 1431280934 - SKIPDATA",
        "2 123456789010 eni-aaaa 10.0.1.5 10.0.2.9 1 443 6 - - 1431280876 1431280934 ACCEPT OK",
        line("10.0.1.5", 49200, "10.0.2.9", 443, 6, 5000)));

    assertThat(conversion).isEqualTo(new Conversion.Converted(
        List.of(new FlowRecord("billing", "checkout", "vpc-from-rule", 5000, 0, HOUR)), 3));
  }

  @Test
  void anyMalformedLineRejectsTheBatchListingEveryProblem() {
    assertThat(rejected(
        line("10.0.1.5", 49200, "10.0.2.9", 443, 6, 5000),
        line("10.0.1.5", 49200, "10.0.2.9", 443, 6, 5000).replace(" 443 ", " https "),
        "",
        line("10.0.1.5", 49200, "10.0.2.999", 443, 6, 5000)))
        .containsExactly(
            new LineProblem(2, "dstport: 'https' is not a number"),
            new LineProblem(4, "dstaddr: '10.0.2.999' is not an IP address"));
  }

  @Test
  void aRecordWithoutAnEndTimeHasNoHourAndIsAProblem() {
    assertThat(rejected("srcaddr dstaddr bytes end", "10.0.1.5 10.0.2.9 100 -"))
        .containsExactly(new LineProblem(2, "end: missing, and the hour comes from it"));
  }

  @Test
  void aFormatWithoutTheFieldsIngestNeedsIsRejectedAtItsHeader() {
    assertThat(rejected("", "version dstport protocol", "2 443 6"))
        .containsExactly(new LineProblem(2, "header: the format lacks srcaddr, dstaddr, bytes, end, needed for ingest"));
  }

  @Test
  void aBadHeaderIsRejectedAtItsLine() {
    assertThat(rejected("srcaddr srcaddr")).containsExactly(
        new LineProblem(1, "header: field 'srcaddr' appears twice (fields 1 and 2)"));
  }

  @Test
  void noLinesConvertToNoRecords() {
    assertThat(converted()).isEmpty();
  }
}
