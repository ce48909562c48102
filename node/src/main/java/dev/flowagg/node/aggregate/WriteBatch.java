package dev.flowagg.node.aggregate;

import dev.flowagg.protocol.flow.FlowRecord;
import dev.flowagg.protocol.flow.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validated records folded into one delta per {@code (tuple, hour)}: what each entity and each hour index is asked
 * to do for one write.
 */
public record WriteBatch(
    int records, Map<FlowKey, List<HourDelta>> byTuple, Map<Long, List<FlowKey>> tuplesByHour,
    Map<TupleHour, Integer> firstRecordOf) {

  /** A tuple in one hour. */
  public record TupleHour(FlowKey key, long hour) {}

  /** A batch, or the record whose bytes would overflow a total within the request itself. */
  public sealed interface Folded {}

  public record Ready(WriteBatch batch) implements Folded {}

  public record TooLarge(Problem problem) implements Folded {}

  public static Folded fold(List<FlowRecord> records) {
    Map<TupleHour, long[]> sums = new LinkedHashMap<>();
    Map<TupleHour, Integer> first = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      FlowRecord r = records.get(i);
      TupleHour th = new TupleHour(new FlowKey(r.srcApp(), r.destApp(), r.vpcId()), r.hour());
      long[] sum = sums.computeIfAbsent(th, k -> new long[2]);
      first.putIfAbsent(th, i);
      if (r.bytesTx() > Long.MAX_VALUE - sum[0]) {
        return new TooLarge(overflowProblem(i, "bytes_tx"));
      }
      if (r.bytesRx() > Long.MAX_VALUE - sum[1]) {
        return new TooLarge(overflowProblem(i, "bytes_rx"));
      }
      sum[0] += r.bytesTx();
      sum[1] += r.bytesRx();
    }
    Map<FlowKey, List<HourDelta>> byTuple = new LinkedHashMap<>();
    Map<Long, List<FlowKey>> byHour = new LinkedHashMap<>();
    sums.forEach(
        (th, sum) -> {
          byTuple.computeIfAbsent(th.key(), k -> new ArrayList<>(1)).add(new HourDelta(th.hour(), sum[0], sum[1]));
          byHour.computeIfAbsent(th.hour(), h -> new ArrayList<>()).add(th.key());
        });
    return new Ready(new WriteBatch(records.size(), byTuple, byHour, first));
  }

  /** The problem reported when adding a record would take a total past 2^63-1. */
  public static Problem overflowProblem(int index, String field) {
    return new Problem(
        index, field, "would take the total of " + field + " for this tuple and hour past 9223372036854775807 (2^63-1)");
  }
}
