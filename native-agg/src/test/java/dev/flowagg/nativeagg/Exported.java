package dev.flowagg.nativeagg;

import dev.flowagg.protocol.net.IpAddress;

/** One datagram as a kernel receives it: who sent it, its bytes, and when it arrived. */
record Exported(IpAddress exporter, byte[] payload, long receivedAtMillis) {}
