package dev.flowagg.protocol.netflow;

/** Whether byte and packet counts of sampled flows are scaled up by the exporter's sampling rate. */
public enum SamplingMode {
  /** Multiply bytes and packets by the sampling rate (the default). */
  APPLY,
  /** Report the counts as exported; the rate is still reported on each flow. */
  IGNORE
}
