package dev.flowagg.protocol.vpclog;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.classify.Orientation;
import dev.flowagg.protocol.flow.FlowRecord;
import dev.flowagg.protocol.net.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns VPC flow-log lines into {@link FlowRecord}s for the aggregator, all or nothing: one malformed line rejects
 * the whole batch, with every problem listed.
 *
 * <p>Each record becomes one conversation: the server is decided by {@link ServerSide}, the rule the report tags by
 * too; apps come from the address rules, except that a server with no rule takes the lookup table's tag for its port
 * and protocol when one matches (otherwise its address). {@code bytes} count as bytes_tx when srcaddr is the client
 * and as bytes_rx when it is the server. The vpc_id is the record's {@code vpc-id} when the format has one, else the
 * interface rule for its {@code interface-id}, else {@code unknown}; the hour is {@code end / 3600}.
 *
 * <p>NODATA and SKIPDATA records, and records with {@code -} for an address or the byte count, carry no traffic to
 * count and are skipped.
 */
public final class FlowLogConverter {

  /** The vpc_id of a record whose VPC neither the log nor the rules name. */
  public static final String UNKNOWN_VPC = "unknown";

  private static final List<VpcField> NEEDED = List.of(VpcField.SRCADDR, VpcField.DSTADDR, VpcField.BYTES, VpcField.END);

  private final ClassificationRules rules;
  private final LookupTable lookup;
  private final Orientation orientation;

  public FlowLogConverter(ClassificationRules rules, LookupTable lookup) {
    this.rules = rules;
    this.lookup = lookup;
    this.orientation = rules.orientation();
  }

  /** The outcome of converting one batch of lines. */
  public sealed interface Conversion {

    /** Every line was good; {@code skipped} counts records that carried no traffic. */
    record Converted(List<FlowRecord> records, long skipped) implements Conversion {}

    /** At least one line was malformed; nothing from the batch should be ingested. */
    record Rejected(List<LineProblem> problems) implements Conversion {}
  }

  /** Converts {@code lines}: log text split into lines, optionally starting with a header line. */
  public Conversion convert(Iterable<String> lines) {
    Batch batch = new Batch();
    FlowLogReader reader = new FlowLogReader(batch);
    try {
      for (String line : lines) {
        reader.accept(line);
      }
    } catch (FlowLogException e) {
      return new Conversion.Rejected(List.of(new LineProblem(e.lineNumber(), e.problem())));
    }
    List<String> missing = NEEDED.stream().filter(f -> !reader.format().has(f)).map(VpcField::fieldName).toList();
    if (!missing.isEmpty()) {
      return new Conversion.Rejected(List.of(new LineProblem(
          reader.headerLineNumber(), "header: the format lacks " + String.join(", ", missing) + ", needed for ingest")));
    }
    return batch.problems.isEmpty()
        ? new Conversion.Converted(List.copyOf(batch.records), batch.skipped)
        : new Conversion.Rejected(List.copyOf(batch.problems));
  }

  /** What one call of {@link #convert} has gathered so far. */
  private final class Batch implements FlowLogReader.LineSink {
    final List<FlowRecord> records = new ArrayList<>();
    final List<LineProblem> problems = new ArrayList<>();
    long skipped;

    @Override
    public void accept(long lineNumber, ParsedLine line) {
      switch (line) {
        case ParsedLine.Malformed(String problem) -> problems.add(new LineProblem(lineNumber, problem));
        case FlowLogRecord record -> {
          if (!record.carriesTraffic() || !hasTraffic(record)) {
            skipped++;
          } else if (!record.has(VpcField.END)) {
            problems.add(new LineProblem(lineNumber, "end: missing, and the hour comes from it"));
          } else {
            records.add(toFlowRecord(record));
          }
        }
      }
    }
  }

  private static boolean hasTraffic(FlowLogRecord record) {
    return record.has(VpcField.SRCADDR) && record.has(VpcField.DSTADDR) && record.has(VpcField.BYTES);
  }

  private FlowRecord toFlowRecord(FlowLogRecord record) {
    IpAddress source = record.address(VpcField.SRCADDR).orElseThrow();
    IpAddress destination = record.address(VpcField.DSTADDR).orElseThrow();
    long bytes = record.numberOr(VpcField.BYTES, 0);
    boolean sourceIsServer = ServerSide.sourceIsServer(record, orientation);
    IpAddress client = sourceIsServer ? destination : source;
    IpAddress server = sourceIsServer ? source : destination;
    int serverPort = sourceIsServer ? record.srcport() : record.dstport();
    return new FlowRecord(
        rules.appOf(client),
        serverApp(server, serverPort, record.protocol()),
        vpcOf(record),
        sourceIsServer ? 0 : bytes,
        sourceIsServer ? bytes : 0,
        record.numberOr(VpcField.END, 0) / 3600);
  }

  private String serverApp(IpAddress server, int port, int protocol) {
    String app = rules.appRuleFor(server);
    if (app != null) {
      return app;
    }
    int tag = lookup.tagIndexOf(port, protocol);
    return tag >= 0 ? lookup.tags().get(tag) : rules.textOf(server);
  }

  private String vpcOf(FlowLogRecord record) {
    return record.text(VpcField.VPC_ID)
        .or(() -> record.text(VpcField.INTERFACE_ID).flatMap(rules::vpcOfInterface))
        .orElse(UNKNOWN_VPC);
  }
}
