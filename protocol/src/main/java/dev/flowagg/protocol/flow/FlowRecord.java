package dev.flowagg.protocol.flow;

/**
 * One flow report as every input produces it: bytes each way between two apps in one VPC during one hour.
 *
 * <p>{@code hour} counts hours since the Unix epoch (a flow that ended at Unix time {@code t} seconds is in hour
 * {@code t / 3600}). Byte counts are non-negative.
 */
public record FlowRecord(String srcApp, String destApp, String vpcId, long bytesTx, long bytesRx, long hour) {}
