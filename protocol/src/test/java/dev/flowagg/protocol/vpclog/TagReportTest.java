package dev.flowagg.protocol.vpclog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowagg.protocol.classify.Orientation;
import dev.flowagg.protocol.classify.ServicePorts;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TagReportTest {

  private static final LookupTable TABLE = LookupTable.parse("""
      dstport,protocol,tag
      25,tcp,sv_P1
      68,udp,sv_P2
      23,tcp,sv_P1
      31,udp,SV_P3
      443,tcp,sv_P2
      22,tcp,sv_P4
      3389,tcp,sv_P5
      0,icmp,sv_P5
      110,tcp,email
      993,tcp,email
      143,tcp,email
      """);

  private final List<LineProblem> problems = new ArrayList<>();

  private TagReport report(String log, boolean strict) throws Exception {
    return TagReport.generate(new BufferedReader(new StringReader(log)), TABLE, problems::add, strict);
  }

  /** A default-format record from 10.0.1.5 port 49200 to 198.51.100.7 on {@code dstport}/{@code protocol}. */
  private static String line(int dstport, int protocol) {
    return "2 123456789012 eni-0a1b2c3d 10.0.1.5 198.51.100.7 49200 " + dstport + " " + protocol
        + " 10 5000 1620140761 1620140821 ACCEPT OK\n";
  }

  @Test
  void countsTagsAndCombinationsInTheReportFormat() throws Exception {
    String log = line(443, 6) + line(23, 6) + line(25, 6) + line(110, 6) + line(993, 6) + line(143, 6)
        + line(1024, 6) + line(80, 6) + line(0, 1) + line(49153, 6)
        + "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n"
        + "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA\n"
        + line(25, 6) + line(68, 17) + line(31, 17);

    TagReport report = report(log, false);

    // Hand-checked: sv_P1 = 23,25,25; email = 110,993,143; sv_P2 = 443,68; sv_P5 = icmp 0; SV_P3 = 31/udp;
    // untagged = 1024, 80, 49153. Ties sort by name ignoring case; Untagged is always last.
    assertThat(report.text()).isEqualTo("""
        Tag Counts:
        Tag,Count
        email,3
        sv_P1,3
        sv_P2,2
        SV_P3,1
        sv_P5,1
        Untagged,3

        Port/Protocol Combination Counts:
        Port,Protocol,Count
        25,tcp,2
        0,icmp,1
        23,tcp,1
        31,udp,1
        68,udp,1
        80,tcp,1
        110,tcp,1
        143,tcp,1
        443,tcp,1
        993,tcp,1
        1024,tcp,1
        49153,tcp,1
        """);
    assertThat(report.lines()).isEqualTo(new TagReport.LineCounts(13, 0, 1, 1, 0));
    assertThat(report.summary()).isEqualTo("13 records counted; 1 NODATA, 1 SKIPDATA, 0 malformed lines skipped");
  }

  @Test
  void onOnePortTheLowerProtocolNumberComesFirst() throws Exception {
    TagReport report = report(line(53, 17) + line(53, 6) + line(53, 132), false);

    assertThat(report.combinations()).extracting(TagReport.PortProtocolCount::protocolText)
        .containsExactly("tcp", "udp", "sctp");
  }

  @Test
  void protocolsWithoutAKeywordPrintAsTheirNumber() throws Exception {
    assertThat(report(line(7, 200), false).text()).contains("\n7,200,1\n");
  }

  @Test
  void aLookupRowGivenByNumberMatchesRecordsOfThatProtocol() throws Exception {
    LookupTable byNumber = LookupTable.parse("dstport,protocol,tag\n443,6,https\n");

    TagReport report = TagReport.generate(
        new BufferedReader(new StringReader(line(443, 6))), byNumber, problems::add, false);

    assertThat(report.tags()).containsExactly(new TagReport.TagCount("https", 1));
  }

  @Test
  void dashesInACustomFormatPrintAsDashAndSortLast() throws Exception {
    TagReport report = report("""
        dstport protocol bytes
        - 6 100
        443 - 100
        443 6 100
        """, false);

    assertThat(report.text()).endsWith("""
        Port,Protocol,Count
        443,tcp,1
        443,-,1
        -,tcp,1
        """);
    assertThat(report.untagged()).isEqualTo(2);
  }

  @Test
  void anAnswerFromAServicePortIsTaggedAndCountedByThatPortAsItsRequestIs() throws Exception {
    String request = "2 123456789012 eni-0a1b2c3d 10.0.1.5 198.51.100.7 49153 443 6 10 5000 1620140761 1620140821"
        + " ACCEPT OK\n";
    String answer = "2 123456789012 eni-0a1b2c3d 198.51.100.7 10.0.1.5 443 49153 6 10 9000 1620140761 1620140821"
        + " ACCEPT OK\n";

    TagReport report = report(request + answer, false);

    assertThat(report.tags()).containsExactly(new TagReport.TagCount("sv_P2", 2));
    assertThat(report.combinations()).containsExactly(new TagReport.PortProtocolCount(443, 6, 2));
  }

  @Test
  void servicePortsOfTheClassificationRulesDecideTheServerToo() throws Exception {
    // Neither port is a default service port, so the lower one, 9100, would be the server's; the rules make 40000 one.
    TagCounter counter = new TagCounter(TABLE, new Orientation(ServicePorts.defaults().with(40000)), Optional.empty());
    String line = "2 123456789012 eni-0a1b2c3d 10.0.1.5 198.51.100.7 9100 40000 6 10 5000 1620140761 1620140821"
        + " ACCEPT OK\n";

    TagReport report = TagReport.generate(new BufferedReader(new StringReader(line)), counter, problems::add, false);

    assertThat(report.combinations()).containsExactly(new TagReport.PortProtocolCount(40000, 6, 1));
  }

  @Test
  void anActionFilterCountsOnlyThatActionAndSaysHowManyItLeftOut() throws Exception {
    String log = line(443, 6) + line(25, 6).replace(" ACCEPT ", " REJECT ") + line(22, 6).replace(" ACCEPT ", " - ");
    TagCounter rejected = new TagCounter(TABLE, Orientation.byDefaultPorts(), Optional.of("reject"));

    TagReport report = TagReport.generate(new BufferedReader(new StringReader(log)), rejected, problems::add, false);

    assertThat(report.tags()).containsExactly(new TagReport.TagCount("sv_P1", 1));
    assertThat(report.lines()).isEqualTo(new TagReport.LineCounts(1, 2, 0, 0, 0));
    assertThat(report.summary())
        .isEqualTo("1 records counted; 2 records of another action left out; 0 NODATA, 0 SKIPDATA, 0 malformed lines"
            + " skipped");
  }

  @Test
  void eachTableIsACsvFileOfItsOwnWithQuotesWhereATagNeedsThem() throws Exception {
    LookupTable quoted = LookupTable.parse("dstport,protocol,tag\n443,tcp,\"web\" tier\n");
    TagReport report = TagReport.generate(
        new BufferedReader(new StringReader(line(443, 6) + line(80, 6))), quoted, problems::add, false);
    StringBuilder tags = new StringBuilder();
    StringBuilder ports = new StringBuilder();

    report.writeTagsCsv(tags);
    report.writePortsCsv(ports);

    assertThat(tags).hasToString("Tag,Count\n\"\"\"web\"\" tier\",1\nUntagged,1\n");
    assertThat(ports).hasToString("Port,Protocol,Count\n80,tcp,1\n443,tcp,1\n");
  }

  @Test
  void malformedLinesAreReportedWithTheirNumberAndLeftOutOfTheCounts() throws Exception {
    TagReport report = report(line(443, 6) + "2 123456789012 eni-1 10.0.1.5\n" + line(25, 6), false);

    assertThat(problems).containsExactly(
        new LineProblem(2, "expected 14 fields (the default version 2 format), found 4"));
    assertThat(report.lines()).isEqualTo(new TagReport.LineCounts(2, 0, 0, 0, 1));
  }

  @Test
  void inStrictModeAMalformedLineIsAnError() {
    assertThatThrownBy(() -> report(line(443, 6) + line(443, 6).replace(" 443 ", " https "), true))
        .isInstanceOfSatisfying(FlowLogException.class, e -> assertThat(e.lineNumber()).isEqualTo(2))
        .hasMessage("line 2: dstport: 'https' is not a number");
  }

  @Test
  void anEmptyLogStillPrintsBothSections() throws Exception {
    assertThat(report("", false).text()).isEqualTo("""
        Tag Counts:
        Tag,Count
        Untagged,0

        Port/Protocol Combination Counts:
        Port,Protocol,Count
        """);
  }

  @Test
  void reportsTenMegabytesAgainstTenThousandRows() throws Exception {
    Random random = new Random(7);
    StringBuilder csv = new StringBuilder("dstport,protocol,tag\n");
    for (int row = 0; row < 10_000; row++) {
      csv.append(row * 6).append(row % 2 == 0 ? ",tcp," : ",udp,").append("tag").append(row % 300).append('\n');
    }
    LookupTable table = LookupTable.parse(csv.toString());
    StringBuilder log = new StringBuilder();
    long lines = 0;
    for (; log.length() < 10_000_000; lines++) {
      log.append("2 123456789012 eni-0a1b2c3d4e5f 10.0.").append(random.nextInt(256)).append('.')
          .append(random.nextInt(256)).append(" 198.51.100.").append(random.nextInt(256)).append(' ')
          .append(1024 + random.nextInt(60000)).append(' ').append(random.nextInt(65536)).append(' ')
          .append(random.nextBoolean() ? 6 : 17).append(" 10 5000 1620140761 1620140821 ACCEPT OK\n");
    }
    String text = log.toString();

    // Speed is measured by the benchmark in bench/, not asserted here.
    TagReport report = TagReport.generate(new BufferedReader(new StringReader(text)), table, problems::add, true);

    assertThat(report.lines().records()).isEqualTo(lines);
  }
}
