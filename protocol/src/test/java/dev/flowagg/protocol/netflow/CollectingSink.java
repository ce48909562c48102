package dev.flowagg.protocol.netflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/** A sink for tests: keeps a copy of every flow it is given. */
final class CollectingSink implements FlowSink {

  final List<DecodedFlow.Snapshot> flows = new ArrayList<>();

  @Override
  public void accept(DecodedFlow flow) {
    flows.add(flow.snapshot());
  }

  DecodedFlow.Snapshot only() {
    assertThat(flows).hasSize(1);
    return flows.getFirst();
  }

  List<Long> bytes() {
    return flows.stream().map(DecodedFlow.Snapshot::bytes).toList();
  }
}
