package dev.flowagg.protocol.flow;

import java.util.Arrays;
import java.util.List;

/** The fields of a JSON flow record, by their wire names. */
enum FlowField {
  SRC_APP("src_app"),
  DEST_APP("dest_app"),
  VPC_ID("vpc_id"),
  BYTES_TX("bytes_tx"),
  BYTES_RX("bytes_rx"),
  HOUR("hour");

  static final List<String> NAMES = Arrays.stream(values()).map(f -> f.wireName).toList();

  final String wireName;

  FlowField(String wireName) {
    this.wireName = wireName;
  }

  int bit() {
    return 1 << ordinal();
  }

  static FlowField byName(String name) {
    for (FlowField f : values()) {
      if (f.wireName.equals(name)) {
        return f;
      }
    }
    return null;
  }
}
