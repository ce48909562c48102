package dev.flowagg.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VpcReportCommandTest {

  @TempDir Path dir;

  private final StringWriter stdout = new StringWriter();
  private final StringWriter stderr = new StringWriter();

  private int run(Object... args) {
    CommandLine command = new CommandLine(new VpcReportCommand());
    command.setOut(new PrintWriter(stdout, true));
    command.setErr(new PrintWriter(stderr, true));
    String[] texts = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      texts[i] = args[i].toString();
    }
    return command.execute(texts);
  }

  private static Path sample(String name) throws Exception {
    return Path.of(VpcReportCommandTest.class.getResource("/vpclog/" + name).toURI());
  }

  private static String expected(String name) throws Exception {
    return Files.readString(sample(name));
  }

  private Path file(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void reportsADefaultFormatLogOnStandardOutput() throws Exception {
    int exit = run("--flow-log", sample("default-format.log"), "--lookup", sample("lookup.csv"));

    assertThat(exit).isZero();
    assertThat(stdout.toString()).isEqualTo(expected("default-format.expected.txt"));
    assertThat(stderr.toString())
        .isEqualTo("vpc-report: 19 records counted; 1 NODATA, 1 SKIPDATA, 0 malformed lines skipped\n");
  }

  @Test
  void reportsACustomFormatLogNamedByItsHeader() throws Exception {
    int exit = run("--flow-log", sample("custom-format.log"), "--lookup", sample("lookup.csv"));

    assertThat(exit).isZero();
    assertThat(stdout.toString()).isEqualTo(expected("custom-format.expected.txt"));
    assertThat(stderr.toString()).contains("8 records counted; 1 NODATA, 0 SKIPDATA");
  }

  @Test
  void writesTheReportToTheOutFile() throws Exception {
    Path out = dir.resolve("report.txt");

    int exit = run("--flow-log", sample("default-format.log"), "--lookup", sample("lookup.csv"), "--out", out);

    assertThat(exit).isZero();
    assertThat(stdout.toString()).isEmpty();
    assertThat(Files.readString(out)).isEqualTo(expected("default-format.expected.txt"));
  }

  @Test
  void writesEachTableAsACsvFileOfItsOwn() throws Exception {
    Path tags = dir.resolve("tags.csv");
    Path ports = dir.resolve("ports.csv");

    int exit = run("--flow-log", sample("default-format.log"), "--lookup", sample("lookup.csv"), "--tags", tags,
        "--ports", ports);

    assertThat(exit).isZero();
    assertThat(stdout.toString()).isEmpty();
    String[] report = expected("default-format.expected.txt").split("\n\n");
    assertThat(Files.readString(tags)).isEqualTo(report[0].replace("Tag Counts:\n", "") + "\n");
    assertThat(Files.readString(ports)).isEqualTo(report[1].replace("Port/Protocol Combination Counts:\n", ""));
    assertThat(Files.readString(tags)).startsWith("Tag,Count\nsv_P2,3\n");
  }

  @Test
  void aCsvTableGoesToStandardOutputWhenAskedWithADash() throws Exception {
    int exit = run("--flow-log", sample("default-format.log"), "--lookup", sample("lookup.csv"), "--ports", "-");

    assertThat(exit).isZero();
    assertThat(stdout.toString()).startsWith("Port,Protocol,Count\n0,icmp,2\n").doesNotContain("Tag");
  }

  @Test
  void countsOnlyTheRecordsOfTheActionAskedFor() throws Exception {
    int exit = run("--flow-log", sample("default-format.log"), "--lookup", sample("lookup.csv"), "--action", "reject",
        "--tags", "-");

    assertThat(exit).isZero();
    // The three REJECT records: 3389/tcp (sv_P5), icmp (sv_P5) and 25/tcp (sv_P1).
    assertThat(stdout.toString()).isEqualTo("Tag,Count\nsv_P5,2\nsv_P1,1\nUntagged,0\n");
    assertThat(stderr.toString()).isEqualTo("vpc-report: 3 records counted; 16 records of another action left out; 1"
        + " NODATA, 1 SKIPDATA, 0 malformed lines skipped\n");
  }

  @Test
  void anUnknownActionIsAUsageError() {
    assertThat(run("--flow-log", "x.log", "--lookup", "y.csv", "--action", "DROP")).isEqualTo(2);
    assertThat(stderr.toString()).contains("--action must be ACCEPT or REJECT, not 'DROP'");
  }

  @Test
  void theClassificationRulesServicePortsMarkTheServer() throws Exception {
    Path log = file("flow.log", "2 1 eni-1 10.0.0.1 10.0.0.2 9100 40000 6 3 4 5 6 ACCEPT OK\n");
    Path rules = file("rules.conf", "[service-ports]\n40000\n");

    assertThat(run("--flow-log", log, "--lookup", sample("lookup.csv"), "--ports", "-")).isZero();
    assertThat(run("--flow-log", log, "--lookup", sample("lookup.csv"), "--ports", "-", "--classification", rules))
        .isZero();

    assertThat(stdout.toString()).isEqualTo("Port,Protocol,Count\n9100,tcp,1\nPort,Protocol,Count\n40000,tcp,1\n");
  }

  @Test
  void readsAGzippedLog() throws Exception {
    Path gz = dir.resolve("flow.log.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(sample("default-format.log"), out);
    }

    assertThat(run("--flow-log", gz, "--lookup", sample("lookup.csv"))).isZero();
    assertThat(stdout.toString()).isEqualTo(expected("default-format.expected.txt"));
  }

  @Test
  void listsMalformedLinesOnStandardErrorAndReportsTheRest() throws Exception {
    Path log = file("flow.log", Files.readString(sample("default-format.log"))
        + "2 123456789010 eni-0f1e2d3c4b5a69788 10.0.1.20 192.0.2.26 49163 imap 6 7 3900 1700000300 1700000360 ACCEPT OK\n"
        + "garbage\n");

    int exit = run("--flow-log", log, "--lookup", sample("lookup.csv"));

    assertThat(exit).isZero();
    assertThat(stdout.toString()).isEqualTo(expected("default-format.expected.txt"));
    assertThat(stderr.toString()).isEqualTo(
        "vpc-report: " + log + " line 22: dstport: 'imap' is not a number\n"
            + "vpc-report: " + log + " line 23: expected 14 fields (the default version 2 format), found 1\n"
            + "vpc-report: 19 records counted; 1 NODATA, 1 SKIPDATA, 2 malformed lines skipped\n");
  }

  @Test
  void strictModeStopsAtTheFirstMalformedLine() throws Exception {
    Path log = file("flow.log", "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 5 6 ACCEPT OK\n2 1 eni-1\n");

    int exit = run("--flow-log", log, "--lookup", sample("lookup.csv"), "--strict");

    assertThat(exit).isEqualTo(1);
    assertThat(stdout.toString()).isEmpty();
    assertThat(stderr.toString()).isEqualTo("vpc-report: flow log " + log
        + ": line 2: expected 14 fields (the default version 2 format), found 3\n");
  }

  @Test
  void aMissingFlowLogIsAOneLineError() {
    Path missing = dir.resolve("nope.log");

    int exit = run("--flow-log", missing, "--lookup", dir);

    assertThat(exit).isEqualTo(1);
    assertThat(stderr.toString()).isEqualTo("vpc-report: cannot read the flow log " + missing + ": no such file\n");
  }

  @Test
  void aLookupThatIsADirectoryIsAOneLineError() throws Exception {
    int exit = run("--flow-log", sample("default-format.log"), "--lookup", dir);

    assertThat(exit).isEqualTo(1);
    assertThat(stderr.toString()).isEqualTo("vpc-report: cannot read the lookup table " + dir + ": it is a directory\n");
  }

  @Test
  void aBadLookupRowNamesItsLine() throws Exception {
    Path lookup = file("lookup.csv", "dstport,protocol,tag\n25,tcp,mail\n25,tcp,smtp\n");

    int exit = run("--flow-log", sample("default-format.log"), "--lookup", lookup);

    assertThat(exit).isEqualTo(1);
    assertThat(stderr.toString()).isEqualTo("vpc-report: lookup table " + lookup
        + ": line 3: 25,tcp is already tagged 'mail' (line 2), not 'smtp'\n");
  }

  @Test
  void aBadHeaderNamesItsLine() throws Exception {
    Path log = file("flow.log", "version dstport dstport\n");

    assertThat(run("--flow-log", log, "--lookup", sample("lookup.csv"))).isEqualTo(1);
    assertThat(stderr.toString()).isEqualTo("vpc-report: flow log " + log
        + ": line 1: header: field 'dstport' appears twice (fields 2 and 3)\n");
  }

  @Test
  void anUnwritableOutFileIsAnError() throws Exception {
    Path out = dir.resolve("no-such-dir").resolve("report.txt");

    int exit = run("--flow-log", sample("default-format.log"), "--lookup", sample("lookup.csv"), "--out", out);

    assertThat(exit).isEqualTo(1);
    assertThat(stderr.toString()).startsWith("vpc-report: NoSuchFileException: ").contains("report.txt");
  }

  @Test
  void missingOptionsAreAUsageError() {
    assertThat(run("--flow-log", "x.log")).isEqualTo(2);
    assertThat(stderr.toString()).contains("Missing required option: '--lookup=FILE'");
  }

  @Test
  void helpDescribesTheOptions() {
    assertThat(run("--help")).isZero();
    assertThat(stdout.toString()).contains("--flow-log=FILE", "--lookup=FILE", "--out=FILE", "--strict");
  }
}
