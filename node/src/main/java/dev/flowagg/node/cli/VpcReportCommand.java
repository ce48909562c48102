package dev.flowagg.node.cli;

import dev.flowagg.protocol.vpclog.FlowLogException;
import dev.flowagg.protocol.vpclog.LineProblem;
import dev.flowagg.protocol.vpclog.LookupTable;
import dev.flowagg.protocol.vpclog.LookupTableException;
import dev.flowagg.protocol.vpclog.TagReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code vpc-report} subcommand: counts the records of an AWS VPC flow log by the tags of a lookup table and by
 * destination port and protocol.
 */
@Command(
    name = "vpc-report",
    header = "Count an AWS VPC flow log's records by lookup tag and by port.",
    description = {
      "Counts the records of an AWS VPC flow log by the tag that a dstport,protocol,tag lookup table gives their",
      "destination port and protocol, and by port/protocol pair.",
      "The log may start with a header line naming a custom format; without one it is the default version 2",
      "format. Files ending in .gz are decompressed. Malformed lines are listed on stderr and skipped; a summary",
      "of NODATA, SKIPDATA and malformed lines goes to stderr, the report itself to --out or stdout."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the report was written (malformed lines, if any, were skipped)",
      "1:a file could not be read or written, the lookup table or the log header is wrong,"
          + " or --strict met a malformed line",
      "2:the command line is wrong"
    })
public final class VpcReportCommand implements Callable<Integer> {

  /** Malformed lines listed one by one on stderr before the rest are only counted. */
  static final int PROBLEMS_SHOWN = 100;

  @Spec private CommandSpec spec;

  @Option(names = "--flow-log", required = true, paramLabel = "FILE", description = "The VPC flow log to read.")
  private Path flowLog;

  @Option(names = "--lookup", required = true, paramLabel = "FILE",
      description = "The lookup table: CSV with the header dstport,protocol,tag.")
  private Path lookup;

  @Option(names = "--out", paramLabel = "FILE", description = "Where to write the report (default: stdout).")
  private Path out;

  @Option(names = "--strict", description = "Stop with an error at the first malformed line instead of skipping it.")
  private boolean strict;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  private boolean help;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    String unreadable = unreadable("flow log", flowLog);
    if (unreadable == null) {
      unreadable = unreadable("lookup table", lookup);
    }
    if (unreadable != null) {
      return fail(err, unreadable);
    }
    try {
      LookupTable table = LookupTable.load(lookup);
      TagReport report;
      try (BufferedReader log = open(flowLog)) {
        report = TagReport.generate(log, table, new ProblemPrinter(err, flowLog), strict);
      }
      if (out == null) {
        PrintWriter stdout = spec.commandLine().getOut();
        report.writeTo(stdout);
        stdout.flush();
      } else {
        try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
          report.writeTo(writer);
        }
      }
      err.println("vpc-report: " + report.summary());
      err.flush();
      return 0;
    } catch (LookupTableException e) {
      return fail(err, "lookup table " + lookup + ": " + e.getMessage());
    } catch (FlowLogException e) {
      return fail(err, "flow log " + flowLog + ": " + e.getMessage());
    } catch (IOException e) {
      return fail(err, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Why {@code file} cannot be read, or null when it can. */
  private static String unreadable(String what, Path file) {
    if (!Files.exists(file)) {
      return "cannot read the " + what + " " + file + ": no such file";
    }
    if (Files.isDirectory(file)) {
      return "cannot read the " + what + " " + file + ": it is a directory";
    }
    if (!Files.isReadable(file)) {
      return "cannot read the " + what + " " + file + ": permission denied";
    }
    return null;
  }

  // A reader that replaces undecodable bytes, so a corrupt line is reported as malformed instead of ending the run.
  private static BufferedReader open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    try {
      if (file.getFileName().toString().endsWith(".gz")) {
        in = new GZIPInputStream(in, 1 << 16);
      }
    } catch (IOException e) {
      in.close();
      throw e;
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  private static int fail(PrintWriter err, String message) {
    err.println("vpc-report: " + message);
    err.flush();
    return 1;
  }

  /** Lists the first malformed lines on stderr; the summary counts all of them. */
  private static final class ProblemPrinter implements Consumer<LineProblem> {
    private final PrintWriter err;
    private final Path file;
    private int shown;

    ProblemPrinter(PrintWriter err, Path file) {
      this.err = err;
      this.file = file;
    }

    @Override
    public void accept(LineProblem problem) {
      if (shown < PROBLEMS_SHOWN) {
        err.println("vpc-report: " + file + " " + problem);
      } else if (shown == PROBLEMS_SHOWN) {
        err.println("vpc-report: further malformed lines are counted but not listed");
      }
      shown++;
    }
  }
}
