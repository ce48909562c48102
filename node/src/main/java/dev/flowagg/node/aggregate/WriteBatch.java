package dev.flowagg.node.aggregate;

import dev.flowagg.protocol.flow.FlowRecord;
import dev.flowagg.protocol.flow.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validated records folded into one delta per {@code (tuple, hour)}, and cut per {@link FlowSlice} into
 * {@link DeltaBlock}s that each fit one message: what the slices are asked to do for one write.
 */
public record WriteBatch(int records, Map<Integer, List<DeltaBlock>> bySlice, Map<TupleHour, Integer> firstRecordOf) {

  /** Encoded bytes of deltas one message may carry: half the cluster transport's 256 KiB frame, for headroom. */
  public static final int MAX_PART_BYTES = 128 * 1024;

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
    Map<Integer, Parts> bySlice = new TreeMap<>();
    sums.forEach(
        (th, sum) -> bySlice.computeIfAbsent(th.key().slice(), s -> new Parts()).add(th.key(), th.hour(), sum));
    Map<Integer, List<DeltaBlock>> blocks = new TreeMap<>();
    bySlice.forEach((slice, parts) -> blocks.put(slice, parts.finish()));
    return new Ready(new WriteBatch(records.size(), blocks, first));
  }

  /** How many (slice, part) messages the write takes. */
  public int parts() {
    return bySlice.values().stream().mapToInt(List::size).sum();
  }

  /** The problem reported when adding a record would take a total past 2^63-1. */
  public static Problem overflowProblem(int index, String field) {
    return new Problem(
        index, field, "would take the total of " + field + " for this tuple and hour past 9223372036854775807 (2^63-1)");
  }

  /** Deltas of one slice, cut into blocks of at most {@link #MAX_PART_BYTES}. */
  public static final class Parts {
    private final List<DeltaBlock> done = new ArrayList<>();
    private DeltaBlock.Builder current = DeltaBlock.builder();

    public void add(FlowKey key, long hour, long[] sum) {
      add(key.srcApp(), key.destApp(), key.vpcId(), hour, sum[0], sum[1]);
    }

    public void add(String src, String dst, String vpc, long hour, long tx, long rx) {
      current.add(src, dst, vpc, hour, tx, rx);
      if (current.byteSize() >= MAX_PART_BYTES) {
        done.add(current.build());
        current = DeltaBlock.builder();
      }
    }

    public List<DeltaBlock> finish() {
      if (current.count() > 0) {
        done.add(current.build());
        current = DeltaBlock.builder();
      }
      return done;
    }
  }
}
