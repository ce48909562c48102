package dev.flowagg.node.aggregate;

/** Bytes to add to one flow tuple's totals for one hour. */
public record HourDelta(long hour, long bytesTx, long bytesRx) {}
