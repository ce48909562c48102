package dev.flowagg.nativeagg;

/** Receives the pre-aggregated totals a kernel drains: bytes each way per {@code (tuple, hour)}. */
@FunctionalInterface
public interface AggregateSink {
  void accept(String srcApp, String destApp, String vpcId, long hour, long bytesTx, long bytesRx);
}
