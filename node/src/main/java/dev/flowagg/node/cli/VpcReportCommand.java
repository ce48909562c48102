package dev.flowagg.node.cli;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.classify.Orientation;
import dev.flowagg.protocol.classify.RulesFileException;
import dev.flowagg.protocol.vpclog.FlowLogException;
import dev.flowagg.protocol.vpclog.LineProblem;
import dev.flowagg.protocol.vpclog.LookupTable;
import dev.flowagg.protocol.vpclog.LookupTableException;
import dev.flowagg.protocol.vpclog.TagCounter;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code vpc-report} subcommand: counts the records of an AWS VPC flow log by the tags of a lookup table and by
 * server port and protocol, as a text report or as one CSV file per table.
 */
@Command(
    name = "vpc-report",
    header = "Count an AWS VPC flow log's records by lookup tag and by port.",
    description = {
      "Counts the records of an AWS VPC flow log by the tag a dstport,protocol,tag lookup table gives the server's"
          + " port and the protocol, and by server port/protocol pair. The server is the end on a service port"
          + " (below 1024, the well-known database and broker ports, and those of --classification); when both or"
          + " neither are, the lower port; when a port is '-', the destination. So a request to 443 and its answer"
          + " from 443 both count for 443. This is the rule by which a node tags the same log sent to POST"
          + " /flowlogs.",
      "",
      "The log may start with a header line naming a custom format; without one it is the default version 2"
          + " format. Files ending in .gz are decompressed. Malformed lines are listed on stderr and skipped; a"
          + " summary of what was counted goes to stderr.",
      "",
      "Output: the text report (both tables under titles) on stdout or in --out; with --tags or --ports, each"
          + " table as a CSV file of its own (and the text report only if --out asks for it)."
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
  private static final String STDOUT = "-";

  @Spec private CommandSpec spec;

  @Option(names = "--flow-log", required = true, paramLabel = "FILE", description = "The VPC flow log to read.")
  private Path flowLog;

  @Option(names = "--lookup", required = true, paramLabel = "FILE",
      description = "The lookup table: CSV with the header dstport,protocol,tag.")
  private Path lookup;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Write the text report to FILE (default: stdout, unless --tags or --ports is given).")
  private Path out;

  @Option(names = "--tags", paramLabel = "FILE",
      description = "Write the tag counts as CSV (Tag,Count) to FILE; - for stdout.")
  private String tagsCsv;

  @Option(names = "--ports", paramLabel = "FILE",
      description = "Write the port/protocol counts as CSV (Port,Protocol,Count) to FILE; - for stdout.")
  private String portsCsv;

  @Option(names = "--action", paramLabel = "ACCEPT|REJECT",
      description = "Count only the records with this action; the others are counted in the summary.")
  private String action;

  @Option(names = "--classification", paramLabel = "FILE",
      description = "Classification rules (the node's FLOWAGG_CLASSIFICATION_FILE format) whose service ports"
          + " also mark a server's end.")
  private Path classification;

  @Option(names = "--strict", description = "Stop with an error at the first malformed line instead of skipping it.")
  private boolean strict;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  private boolean help;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    checkOptions();
    for (Map.Entry<String, Path> input : inputs().entrySet()) {
      String unreadable = unreadable(input.getKey(), input.getValue());
      if (unreadable != null) {
        return fail(err, unreadable);
      }
    }
    try {
      Orientation orientation = classification == null
          ? Orientation.byDefaultPorts()
          : ClassificationRules.load(classification).orientation();
      TagCounter counter =
          new TagCounter(LookupTable.load(lookup), orientation, Optional.ofNullable(action).map(String::strip));
      TagReport report;
      try (BufferedReader log = open(flowLog)) {
        report = TagReport.generate(log, counter, new ProblemPrinter(err, flowLog), strict);
      }
      if (tagsCsv != null) {
        write(tagsCsv, report::writeTagsCsv);
      }
      if (portsCsv != null) {
        write(portsCsv, report::writePortsCsv);
      }
      if (out != null) {
        write(out.toString(), report::writeTo);
      } else if (tagsCsv == null && portsCsv == null) {
        write(STDOUT, report::writeTo);
      }
      err.println("vpc-report: " + report.summary());
      err.flush();
      return 0;
    } catch (LookupTableException e) {
      return fail(err, "lookup table " + lookup + ": " + e.getMessage());
    } catch (RulesFileException e) {
      return fail(err, "classification " + classification + ": " + e.getMessage());
    } catch (FlowLogException e) {
      return fail(err, "flow log " + flowLog + ": " + e.getMessage());
    } catch (IOException e) {
      return fail(err, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private void checkOptions() {
    if (action != null && !action.strip().equalsIgnoreCase("ACCEPT") && !action.strip().equalsIgnoreCase("REJECT")) {
      throw new ParameterException(spec.commandLine(), "--action must be ACCEPT or REJECT, not '" + action + "'");
    }
    if (STDOUT.equals(tagsCsv) && STDOUT.equals(portsCsv)) {
      throw new ParameterException(spec.commandLine(), "--tags and --ports cannot both go to stdout: name a file");
    }
  }

  private Map<String, Path> inputs() {
    Map<String, Path> inputs = new LinkedHashMap<>();
    inputs.put("flow log", flowLog);
    inputs.put("lookup table", lookup);
    if (classification != null) {
      inputs.put("classification", classification);
    }
    return inputs;
  }

  private interface Table {
    void writeTo(Appendable out) throws IOException;
  }

  private void write(String target, Table table) throws IOException {
    if (target.equals(STDOUT)) {
      PrintWriter stdout = spec.commandLine().getOut();
      table.writeTo(stdout);
      stdout.flush();
      return;
    }
    try (Writer writer = Files.newBufferedWriter(Path.of(target), StandardCharsets.UTF_8)) {
      table.writeTo(writer);
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
