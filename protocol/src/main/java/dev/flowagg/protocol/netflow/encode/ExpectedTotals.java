package dev.flowagg.protocol.netflow.encode;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.classify.Orientation;
import dev.flowagg.protocol.net.IpAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The totals per {@code (src_app, dest_app, vpc_id, hour)} that a collector must compute from exported flows: the
 * ground truth a sender prints and tests compare with.
 *
 * <p>It classifies as the collector does with the given rules (by default: an app is the address text, the
 * {@code vpc_id} the exporter's address text), orients each flow by service port, counts client-to-server bytes as
 * tx and server-to-client bytes as rx (a biflow's reverse counts the other way), multiplies by the sampling rate, and
 * files the flow under the hour its end time falls in. Not thread-safe.
 */
public final class ExpectedTotals {

  private static final long MILLIS_PER_HOUR = 3_600_000L;
  private static final Comparator<Row> ORDER = Comparator.comparingLong(Row::hour).thenComparing(Row::srcApp)
      .thenComparing(Row::destApp).thenComparing(Row::vpcId);

  /** One tuple's totals in one hour, in the field order of a {@code GET /flows?hour=N} row. */
  public record Row(String srcApp, String destApp, String vpcId, long bytesTx, long bytesRx, long hour) {}

  private record TupleHour(String srcApp, String destApp, String vpcId, long hour) {}

  private final ClassificationRules rules;
  private final Orientation orientation;
  private final Map<TupleHour, long[]> totals = new HashMap<>();

  public ExpectedTotals(ClassificationRules rules) {
    this.rules = rules;
    this.orientation = rules.orientation();
  }

  /** With the default classification: addresses as apps, exporter addresses as VPC ids. */
  public ExpectedTotals() {
    this(ClassificationRules.empty());
  }

  /** Counts one exported flow, sent by {@code exporter} (as the collector sees it) sampling 1 in {@code rate}. */
  public void add(FlowSpec flow, IpAddress exporter, int samplingRate) {
    boolean srcIsServer = orientation.firstIsServer(flow.src(), flow.srcPort(), flow.dst(), flow.dstPort());
    IpAddress client = srcIsServer ? flow.dst() : flow.src();
    IpAddress server = srcIsServer ? flow.src() : flow.dst();
    long forward = flow.bytes() * samplingRate;
    long reverse = flow.reverseBytes() * samplingRate;
    TupleHour key = new TupleHour(rules.appOf(client), rules.appOf(server), rules.vpcOfExporter(exporter),
        Math.floorDiv(flow.endMillis(), MILLIS_PER_HOUR));
    long[] sums = totals.computeIfAbsent(key, k -> new long[2]);
    sums[0] += srcIsServer ? reverse : forward;
    sums[1] += srcIsServer ? forward : reverse;
  }

  /** Every tuple and hour, sorted by hour, then src_app, dest_app and vpc_id. */
  public List<Row> rows() {
    List<Row> rows = new ArrayList<>(totals.size());
    totals.forEach((k, v) -> rows.add(new Row(k.srcApp(), k.destApp(), k.vpcId(), v[0], v[1], k.hour())));
    rows.sort(ORDER);
    return rows;
  }

  /** All bytes counted, both directions. */
  public long totalBytes() {
    return totals.values().stream().mapToLong(v -> v[0] + v[1]).sum();
  }
}
