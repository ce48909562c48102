/**
 * Decoding of NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) datagrams into flows.
 *
 * <p>{@link dev.flowagg.protocol.netflow.NetflowDecoder} is the entry point; it keeps templates, data that
 * arrived before its template, sampling rates and counters per exporter. The encoders that build these
 * datagrams live in {@code dev.flowagg.protocol.netflow.encode}.
 */
package dev.flowagg.protocol.netflow;
