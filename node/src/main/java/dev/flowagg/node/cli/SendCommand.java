package dev.flowagg.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.encode.ExpectedTotals;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.SyntheticExport;
import dev.flowagg.protocol.netflow.encode.SyntheticTraffic;
import dev.flowagg.protocol.netflow.encode.TrafficShape;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code send} subcommand: exports synthetic, deterministic NetFlow v5, v9 or IPFIX traffic over UDP at a steady
 * rate, saying how far it got every second, and on request writes the totals per
 * {@code (src_app, dest_app, vpc_id, hour)} a collector with default classification must compute from it.
 */
@Command(
    name = "send",
    header = "Send synthetic NetFlow v5, v9 or IPFIX traffic to a collector.",
    description = {
      "Generates realistic flow records from a seed (clients on ephemeral ports, servers on service ports, IPv4 and"
          + " some IPv6, heavy-tailed byte counts, end times spread over --hours) and exports them as NetFlow v5, v9"
          + " or IPFIX datagrams to --target at a steady --rate. The same seed and options give the same datagrams.",
      "",
      "While it sends, a progress line goes to stderr every second; at the end, one summary line. With --totals"
          + " FILE it also writes the totals a collector with default classification must count: a JSON array"
          + " shaped like the rows of GET /flows?hour=N (app = address, vpc_id = the exporter address the collector"
          + " sees, tx = client to server bytes, rx = server to client, sampling applied), one row per line, sorted"
          + " by hour, src_app, dest_app and vpc_id.",
      "",
      "All exporters send from the address the system picks for --target (127.0.0.1 for a loopback target) unless"
          + " --bind names local addresses (such as 127.0.0.2,127.0.0.3 on Linux): exporter k sends from the"
          + " (k mod n)-th, so the collector sees several exporters and VPC ids. Exporters sharing an address differ"
          + " by observation domain."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every datagram was handed to the network",
      "1:a socket could not be opened, some datagrams were refused (nothing listening), or the totals file failed",
      "2:the command line is wrong"
    })
public final class SendCommand implements Callable<Integer> {

  private static final ObjectMapper JSON =
      JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
  private static final int MAX_RECORDS_PER_CHUNK = 120;

  @Spec private CommandSpec spec;

  @Option(names = "--target", required = true, paramLabel = "HOST:PORT",
      description = "Where the collector listens, e.g. 127.0.0.1:2055 or [::1]:2055.")
  private String target;

  @Option(names = "--version", defaultValue = "9", paramLabel = "5|9|10",
      description = "NetFlow v5, v9, or 10 for IPFIX (default: ${DEFAULT-VALUE}).")
  private int version;

  @Option(names = "--rate", defaultValue = "10000", paramLabel = "RECORDS_PER_S",
      description = "Flow records per second; 0 sends as fast as possible (default: ${DEFAULT-VALUE}).")
  private double rate;

  @Option(names = "--records", defaultValue = "100000", paramLabel = "N",
      description = "Flow records to send (default: ${DEFAULT-VALUE}).")
  private long records;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
      description = "The same seed and options give the same datagrams (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(names = "--exporters", defaultValue = "1", paramLabel = "K",
      description = "Simulated exporters, 1 to 255, each with its own observation domain (default: ${DEFAULT-VALUE}).")
  private int exporters;

  @Option(names = "--bind", split = ",", paramLabel = "ADDR",
      description = "Local addresses to send from, comma-separated; exporters take them in turn.")
  private List<String> bind = new ArrayList<>();

  @Option(names = "--hours", defaultValue = "1", paramLabel = "H",
      description = "Flow end times spread over this many hours (default: ${DEFAULT-VALUE}).")
  private int hours;

  @Option(names = "--first-hour", paramLabel = "HOUR",
      description = "The first hour, in hours since the epoch (default: the current hour minus H-1). "
          + "Give it to get the same totals on every run.")
  private Long firstHour;

  @Option(names = "--clients", defaultValue = "1000", paramLabel = "C",
      description = "Client hosts (default: ${DEFAULT-VALUE}).")
  private int clients;

  @Option(names = "--tuples", defaultValue = "0", paramLabel = "N",
      description = {"Exactly N distinct IPv4 (client, server) pairs, taken in turn (clients are added as needed),",
          "instead of random clients and popular servers: a known cardinality for load tests (default: off)."})
  private int tuples;

  @Option(names = "--servers", defaultValue = "100", paramLabel = "S",
      description = "Server hosts (default: ${DEFAULT-VALUE}).")
  private int servers;

  @Option(names = "--ipv6-share", paramLabel = "FRACTION",
      description = "Share of IPv6 hosts (default: 0.1, and 0 for v5 which carries IPv4 only).")
  private Double ipv6Share;

  @Option(names = "--biflow", description = "IPFIX only: one RFC 5103 biflow record per conversation.")
  private boolean biflow;

  @Option(names = "--sampling", defaultValue = "1", paramLabel = "N",
      description = "Announce 1-in-N packet sampling; the totals are multiplied by N (default: ${DEFAULT-VALUE}).")
  private int sampling;

  @Option(names = "--template-every", defaultValue = "20", paramLabel = "DATAGRAMS",
      description = "v9/IPFIX: each exporter re-sends its templates every this many datagrams (default: ${DEFAULT-VALUE}).")
  private int templateEvery;

  @Option(names = "--repeat", defaultValue = "1", paramLabel = "N",
      description = {"Encode --records/N records once and send them N times over, each datagram with its next",
          "sequence number; the totals are N times one pass. For load tests beyond the encoder's pace (about",
          "1.5 M records/s on one core); --records must be a multiple of N (default: ${DEFAULT-VALUE})."})
  private int repeat;

  @Option(names = "--totals", paramLabel = "FILE",
      description = "Write the totals a collector must count to FILE (- for stdout).")
  private String totalsFile;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  private boolean help;

  private final Duration progressEvery;

  public SendCommand() {
    this(Duration.ofSeconds(1));
  }

  SendCommand(Duration progressEvery) {
    this.progressEvery = progressEvery;
  }

  /** Runs the command on its own, e.g. {@code java -cp flowagg-node.jar dev.flowagg.node.cli.SendCommand ...}. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new SendCommand()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    InetSocketAddress destination = parseTarget();
    ExportFormat format = formatOf(version);
    TrafficShape shape = shape(format);
    ExportSettings settings;
    try {
      settings = ExportSettings.of(format, 0).withSamplingRate(sampling).withTemplateRefreshEvery(templateEvery);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    try (ExporterSockets sockets = ExporterSockets.open(destination, bindAddresses())) {
      List<IpAddress> exporterAddresses = new ArrayList<>();
      for (int k = 0; k < exporters; k++) {
        exporterAddresses.add(sockets.sourceOf(k));
      }
      SyntheticExport export;
      try {
        export = new SyntheticExport(new SyntheticTraffic(shape), settings, exporterAddresses, chunkSize(),
            new ExpectedTotals());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      SendLoop.Result result = new SendLoop(export, sockets, new SendPacer(rate), progressEvery, soFar -> {
        err.println(progress(soFar));
        err.flush();
      }, repeat).run();
      if (totalsFile != null) {
        writeTotals(export.totals().rows().stream()
            .map(r -> new ExpectedTotals.Row(r.srcApp(), r.destApp(), r.vpcId(), Math.multiplyExact(r.bytesTx(), repeat),
                Math.multiplyExact(r.bytesRx(), repeat), r.hour()))
            .toList());
      }
      err.println(summary(result, shape, sockets));
      err.flush();
      return result.refused() == 0 ? 0 : 1;
    } catch (IOException e) {
      err.println("send: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  private TrafficShape shape(ExportFormat format) {
    double share = ipv6Share != null ? ipv6Share : format == ExportFormat.NETFLOW_V5 ? 0 : 0.1;
    if (biflow && format != ExportFormat.IPFIX) {
      throw new ParameterException(spec.commandLine(), "--biflow needs --version 10 (IPFIX)");
    }
    if (exporters < 1 || exporters > 255) {
      throw new ParameterException(spec.commandLine(), "--exporters must be from 1 to 255");
    }
    long hour = firstHour != null ? firstHour : System.currentTimeMillis() / 3_600_000L - (hours - 1);
    if (repeat < 1 || records % repeat != 0) {
      throw new ParameterException(spec.commandLine(),
          "--repeat must be at least 1 and divide --records (" + records + "), not " + repeat);
    }
    try {
      TrafficShape shape = new TrafficShape(seed, records / repeat, clients, servers, hour, hours, share, biflow, 0);
      return tuples > 0 ? shape.withPairs(tuples) : shape;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** A few datagrams per chunk at high rates, single records at low ones so that the pace stays smooth. */
  private int chunkSize() {
    if (rate <= 0) {
      return MAX_RECORDS_PER_CHUNK;
    }
    return (int) Math.max(1, Math.min(MAX_RECORDS_PER_CHUNK, rate / 1000));
  }

  private InetSocketAddress parseTarget() {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      throw new ParameterException(spec.commandLine(), "--target must be HOST:PORT, not '" + target + "'");
    }
    String host = target.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(target.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (NumberFormatException e) {
      throw new ParameterException(spec.commandLine(), "--target port must be from 1 to 65535: '" + target + "'");
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "--target host unknown: '" + host + "'");
    }
  }

  private List<InetAddress> bindAddresses() {
    List<InetAddress> out = new ArrayList<>();
    for (String b : bind) {
      try {
        out.add(InetAddress.getByName(b.strip()));
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), "--bind address unknown: '" + b + "'");
      }
    }
    return out;
  }

  private ExportFormat formatOf(int version) {
    return switch (version) {
      case 5 -> ExportFormat.NETFLOW_V5;
      case 9 -> ExportFormat.NETFLOW_V9;
      case 10 -> ExportFormat.IPFIX;
      default -> throw new ParameterException(spec.commandLine(), "--version must be 5, 9 or 10");
    };
  }

  private void writeTotals(List<ExpectedTotals.Row> rows) throws IOException {
    if (totalsFile.equals("-")) {
      PrintWriter out = spec.commandLine().getOut();
      writeJson(rows, out);
      out.flush();
      return;
    }
    try (Writer w = Files.newBufferedWriter(Path.of(totalsFile), StandardCharsets.UTF_8)) {
      writeJson(rows, w);
    }
  }

  /** One row per line, so that two runs diff line by line. */
  private static void writeJson(List<ExpectedTotals.Row> rows, Writer out) throws IOException {
    out.write("[");
    for (int i = 0; i < rows.size(); i++) {
      out.write(i == 0 ? "\n" : ",\n");
      out.write(JSON.writeValueAsString(rows.get(i)));
    }
    out.write(rows.isEmpty() ? "]\n" : "\n]\n");
  }

  /** {@code send: 250000 of 1000000 records (25%) in 2.5 s, 100000 records/s, 8334 datagrams}. */
  private String progress(SendLoop.Result r) {
    double seconds = r.elapsedNanos() / 1e9;
    return String.format(Locale.ROOT, "send: %d of %d records (%.0f%%) in %.1f s, %.0f records/s, %d datagrams%s",
        r.records(), records, records > 0 ? 100.0 * r.records() / records : 100.0, seconds,
        seconds > 0 ? r.records() / seconds : 0, r.datagrams(),
        r.refused() == 0 ? "" : String.format(Locale.ROOT, ", %d REFUSED", r.refused()));
  }

  private String summary(SendLoop.Result r, TrafficShape shape, ExporterSockets sockets) {
    double seconds = r.elapsedNanos() / 1e9;
    String refused = r.refused() == 0 ? ""
        : String.format(Locale.ROOT, "; %d datagrams REFUSED (nothing listening?)", r.refused());
    return String.format(Locale.ROOT,
        "send: %d records in %d datagrams (%s, %d exporters from %s) to %s in %.3f s: %.0f records/s"
            + " (asked %s); hours %d..%d%s",
        r.records(), r.datagrams(), formatName(), exporters, sockets.sourcesText(), target, seconds,
        seconds > 0 ? r.records() / seconds : 0, rate <= 0 ? "unlimited" : String.format(Locale.ROOT, "%.0f", rate),
        shape.firstHour(), shape.firstHour() + shape.hours() - 1, refused);
  }

  private String formatName() {
    String name = version == 10 ? "IPFIX" : "v" + version;
    return name + (biflow ? " biflow" : "") + (sampling > 1 ? " sampled 1:" + sampling : "");
  }
}
