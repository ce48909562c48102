package dev.flowagg.protocol.vpclog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowagg.protocol.net.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlowLogParserTest {

  private final FlowLogParser defaultParser = new FlowLogParser(FlowLogFormat.defaultFormat());

  private FlowLogRecord record(FlowLogParser parser, String line) {
    ParsedLine parsed = parser.parse(line);
    assertThat(parsed).isInstanceOf(FlowLogRecord.class);
    return (FlowLogRecord) parsed;
  }

  private String problem(FlowLogParser parser, String line) {
    ParsedLine parsed = parser.parse(line);
    assertThat(parsed).isInstanceOf(ParsedLine.Malformed.class);
    return ((ParsedLine.Malformed) parsed).problem();
  }

  @Test
  void readsEveryFieldOfADefaultFormatRecord() {
    // An SSH connection accepted, in the default format (shape of the AWS documentation's first example).
    FlowLogRecord r = record(defaultParser,
        "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070"
            + " ACCEPT OK");

    assertThat(r.number(VpcField.VERSION)).hasValue(2);
    assertThat(r.text(VpcField.ACCOUNT_ID)).hasValue("123456789010");
    assertThat(r.text(VpcField.INTERFACE_ID)).hasValue("eni-1235b8ca123456789");
    assertThat(r.address(VpcField.SRCADDR)).hasValue(IpAddress.parse("172.31.16.139"));
    assertThat(r.address(VpcField.DSTADDR)).hasValue(IpAddress.parse("172.31.16.21"));
    assertThat(r.srcport()).isEqualTo(20641);
    assertThat(r.dstport()).isEqualTo(22);
    assertThat(r.protocol()).isEqualTo(6);
    assertThat(r.number(VpcField.PACKETS)).hasValue(20);
    assertThat(r.number(VpcField.BYTES)).hasValue(4249);
    assertThat(r.number(VpcField.START)).hasValue(1418530010);
    assertThat(r.number(VpcField.END)).hasValue(1418530070);
    assertThat(r.text(VpcField.ACTION)).hasValue("ACCEPT");
    assertThat(r.logStatus()).isEqualTo(LogStatus.OK);
    assertThat(r.carriesTraffic()).isTrue();
  }

  @Test
  void readsIpv6Addresses() {
    FlowLogRecord r = record(defaultParser,
        "2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105"
            + " 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK");

    assertThat(r.address(VpcField.SRCADDR)).hasValue(IpAddress.parse("2001:db8:1234:a100:8d6e:3477:df66:f105"));
    assertThat(r.address(VpcField.DSTADDR).orElseThrow().isV4()).isFalse();
  }

  @Test
  void aNoDataRecordHasDashesForItsTrafficFields() {
    FlowLogRecord r = record(defaultParser,
        "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA");

    assertThat(r.logStatus()).isEqualTo(LogStatus.NODATA);
    assertThat(r.carriesTraffic()).isFalse();
    assertThat(r.has(VpcField.SRCADDR)).isFalse();
    assertThat(r.address(VpcField.SRCADDR)).isEmpty();
    assertThat(r.dstport()).isEqualTo(-1);
    assertThat(r.protocol()).isEqualTo(-1);
    assertThat(r.number(VpcField.BYTES)).isEmpty();
    assertThat(r.text(VpcField.ACTION)).isEmpty();
    assertThat(r.number(VpcField.END)).hasValue(1431280934);
  }

  @Test
  void aSkipDataRecordIsRecognised() {
    FlowLogRecord r = record(defaultParser,
        "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA");

    assertThat(r.logStatus()).isEqualTo(LogStatus.SKIPDATA);
  }

  @Test
  void readsACustomVersion5FormatInItsOwnOrder() {
    FlowLogParser parser = new FlowLogParser(FlowLogFormat.parseHeader(
        "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport"
            + " pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status region az-id"
            + " sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path"));

    FlowLogRecord r = record(parser,
        "5 vpc-0a1b2c3d4e5f60708 subnet-0123456789abcdef0 i-0123456789abcdef0 eni-0f1e2d3c4b5a69788 123456789010 IPv4"
            + " 10.0.1.5 52.94.133.131 48220 443 10.0.1.5 52.94.133.131 6 5300 12 1700000000 1700000060 ACCEPT 19 OK"
            + " us-east-1 use1-az4 - - - S3 egress 8");

    assertThat(r.text(VpcField.VPC_ID)).hasValue("vpc-0a1b2c3d4e5f60708");
    assertThat(r.text(VpcField.TYPE)).hasValue("IPv4");
    assertThat(r.address(VpcField.PKT_DSTADDR)).hasValue(IpAddress.parse("52.94.133.131"));
    assertThat(r.dstport()).isEqualTo(443);
    assertThat(r.number(VpcField.TCP_FLAGS)).hasValue(19);
    assertThat(r.text(VpcField.REGION)).hasValue("us-east-1");
    assertThat(r.text(VpcField.SUBLOCATION_TYPE)).isEmpty();
    assertThat(r.text(VpcField.PKT_SRC_AWS_SERVICE)).isEmpty();
    assertThat(r.text(VpcField.PKT_DST_AWS_SERVICE)).hasValue("S3");
    assertThat(r.text(VpcField.FLOW_DIRECTION)).hasValue("egress");
    assertThat(r.number(VpcField.TRAFFIC_PATH)).hasValue(8);
  }

  @Test
  void keepsFieldsItDoesNotKnowAsText() {
    FlowLogParser parser = new FlowLogParser(FlowLogFormat.parseHeader("dstport protocol some-future-field"));

    FlowLogRecord r = record(parser, "443 6 whatever-it-says");

    assertThat(r.text("some-future-field")).hasValue("whatever-it-says");
    assertThat(r.text("dstport")).hasValue("443");
    assertThat(r.text("no-such-field")).isEmpty();
    assertThat(r.logStatus()).as("a format without log-status carries traffic").isEqualTo(LogStatus.OK);
  }

  @Test
  void toleratesRunsOfSpacesTabsAndALineEndingInCarriageReturn() {
    FlowLogRecord r = record(defaultParser,
        "  2\t123456789010   eni-1 10.0.0.1 10.0.0.2 1 2 17 3 4 5 6 REJECT OK  \r");

    assertThat(r.protocol()).isEqualTo(17);
    assertThat(r.logStatus()).isEqualTo(LogStatus.OK);
  }

  @Test
  void askingForTheWrongTypeIsAProgrammingError() {
    FlowLogRecord r = record(defaultParser, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 5 6 ACCEPT OK");

    assertThatThrownBy(() -> r.number(VpcField.ACTION)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> r.text(VpcField.DSTPORT)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLineWithTooFewFieldsSaysHowManyWereExpected() {
    assertThat(problem(defaultParser, "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 5 6 ACCEPT"))
        .isEqualTo("expected 14 fields (the default version 2 format), found 13");
  }

  @Test
  void aLineWithTooManyFieldsOfACustomFormatSaysSo() {
    FlowLogParser parser = new FlowLogParser(FlowLogFormat.parseHeader("dstport protocol"));

    assertThat(problem(parser, "443 6 extra")).isEqualTo("expected 2 fields (as the header names them), found 3");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "2 1 eni-1 10.0.0.1 10.0.0.2 1 http 6 3 4 5 6 ACCEPT OK | dstport: 'http' is not a number",
    "2 1 eni-1 10.0.0.1 10.0.0.2 1 70000 6 3 4 5 6 ACCEPT OK | dstport: 70000 is outside 0..65535",
    "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 256 3 4 5 6 ACCEPT OK | protocol: 256 is outside 0..255",
    "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 -6 3 4 5 6 ACCEPT OK | protocol: '-6' is not a number",
    "2 1 eni-1 10.0.0.256 10.0.0.2 1 2 6 3 4 5 6 ACCEPT OK | srcaddr: '10.0.0.256' is not an IP address",
    "2 1 eni-1 10.0.0.1 10.0.0 1 2 6 3 4 5 6 ACCEPT OK | dstaddr: '10.0.0' is not an IP address",
    "2 1 eni-1 10.0.0.1 2001:db8::g 1 2 6 3 4 5 6 ACCEPT OK | dstaddr: '2001:db8::g' is not an IP address",
    "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 99999999999999999999 5 6 ACCEPT OK | bytes: 99999999999999999999 is too large",
    "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 5 6 ACCEPT ok | log-status: 'ok' is not OK, NODATA or SKIPDATA",
    "v2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 5 6 ACCEPT OK | version: 'v2' is not a number",
  })
  void aMalformedFieldIsNamedWithWhatIsWrong(String line, String expected) {
    assertThat(problem(defaultParser, line)).isEqualTo(expected);
  }

  @Test
  void printsItselfFieldByField() {
    FlowLogParser parser = new FlowLogParser(FlowLogFormat.parseHeader("srcaddr dstport action"));

    assertThat(record(parser, "10.0.0.1 443 -")).hasToString("FlowLogRecord[srcaddr=10.0.0.1, dstport=443, action=-]");
  }
}
