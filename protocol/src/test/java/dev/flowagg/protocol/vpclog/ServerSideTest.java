package dev.flowagg.protocol.vpclog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.classify.Orientation;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerSideTest {

  private static final Orientation DEFAULT = Orientation.byDefaultPorts();

  /** The records of a log in the default version 2 format, in order. */
  private static List<FlowLogRecord> records(String... lines) throws Exception {
    List<FlowLogRecord> records = new ArrayList<>();
    FlowLogReader.readAll(new BufferedReader(new StringReader(String.join("\n", lines))),
        (number, line) -> records.add((FlowLogRecord) line));
    return records;
  }

  private static String line(String src, String dst, String srcport, String dstport) {
    return "2 123456789012 eni-0a1b2c3d " + src + " " + dst + " " + srcport + " " + dstport
        + " 6 10 5000 1620140761 1620140821 ACCEPT OK";
  }

  @Test
  void theServiceSideIsTheServerWhicheverWayTheRecordGoes() throws Exception {
    List<FlowLogRecord> r = records(
        line("10.0.0.1", "10.0.0.2", "49153", "443"), line("10.0.0.2", "10.0.0.1", "443", "49153"));

    assertThat(ServerSide.sourceIsServer(r.get(0), DEFAULT)).isFalse();
    assertThat(ServerSide.sourceIsServer(r.get(1), DEFAULT)).isTrue();
    assertThat(r).allSatisfy(record -> assertThat(ServerSide.serverPort(record, DEFAULT)).isEqualTo(443));
  }

  @Test
  void withNeitherOrBothServicePortsTheLowerPortIsTheServers() throws Exception {
    List<FlowLogRecord> r = records(
        line("10.0.0.1", "10.0.0.2", "50000", "40000"), line("10.0.0.1", "10.0.0.2", "25", "443"));

    assertThat(ServerSide.serverPort(r.get(0), DEFAULT)).isEqualTo(40000);
    assertThat(ServerSide.serverPort(r.get(1), DEFAULT)).isEqualTo(25);
  }

  @Test
  void equalPortsGoToTheLowerAddress() throws Exception {
    List<FlowLogRecord> r = records(
        line("10.0.0.1", "10.0.0.2", "0", "0"), line("10.0.0.2", "10.0.0.1", "0", "0"));

    assertThat(ServerSide.sourceIsServer(r.get(0), DEFAULT)).isTrue();
    assertThat(ServerSide.sourceIsServer(r.get(1), DEFAULT)).isFalse();
  }

  @Test
  void anAbsentPortLeavesTheDestinationAsTheServer() throws Exception {
    List<FlowLogRecord> r = records(
        line("10.0.0.2", "10.0.0.1", "443", "-"), line("10.0.0.1", "10.0.0.2", "-", "443"));

    assertThat(ServerSide.sourceIsServer(r.get(0), DEFAULT)).isFalse();
    assertThat(ServerSide.serverPort(r.get(0), DEFAULT)).isEqualTo(-1);
    assertThat(ServerSide.serverPort(r.get(1), DEFAULT)).isEqualTo(443);
  }

  @Test
  void theReportAndIngestTagEveryRecordAlike() throws Exception {
    LookupTable lookup = LookupTable.parse("dstport,protocol,tag\n443,tcp,web\n25,tcp,mail\n40000,tcp,high\n");
    ClassificationRules rules = ClassificationRules.empty();
    FlowLogConverter ingest = new FlowLogConverter(rules, lookup);
    List<String> lines = List.of(
        line("10.0.0.1", "10.0.0.2", "49153", "443"), line("10.0.0.2", "10.0.0.1", "443", "49153"),
        line("10.0.0.1", "10.0.0.2", "25", "443"), line("10.0.0.1", "10.0.0.2", "50000", "40000"),
        line("10.0.0.2", "10.0.0.1", "40000", "50000"), line("10.0.0.2", "10.0.0.1", "443", "-"));
    for (String line : lines) {
      TagCounter report = new TagCounter(lookup, rules.orientation(), Optional.empty());
      report.add(records(line).getFirst());
      List<TagReport.TagCount> tags = report.report().tags();
      String reportTag = tags.isEmpty() ? null : tags.getFirst().tag();

      FlowLogConverter.Conversion.Converted converted = (FlowLogConverter.Conversion.Converted) ingest.convert(
          List.of(line));
      String ingestApp = converted.records().getFirst().destApp();

      String ingestTag = lookup.tags().contains(ingestApp) ? ingestApp : null;
      assertThat(ingestTag).as(line).isEqualTo(reportTag);
    }
  }
}
