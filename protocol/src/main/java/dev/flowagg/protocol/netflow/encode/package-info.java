/**
 * Builders for NetFlow v5, NetFlow v9 and IPFIX datagrams, field by field or from simple flow descriptions
 * ({@link dev.flowagg.protocol.netflow.encode.ExportSession}); used by tests, the traffic sender and benchmarks.
 */
package dev.flowagg.protocol.netflow.encode;
