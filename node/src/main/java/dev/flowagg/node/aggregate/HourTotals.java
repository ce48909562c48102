package dev.flowagg.node.aggregate;

import dev.flowagg.node.CborSerializable;

/** One tuple's totals for one hour, as an entity reports them; {@code present} is false when it saw nothing then. */
public record HourTotals(FlowKey key, long hour, boolean present, long bytesTx, long bytesRx)
    implements CborSerializable {}
