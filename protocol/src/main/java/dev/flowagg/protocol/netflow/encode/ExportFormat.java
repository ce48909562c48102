package dev.flowagg.protocol.netflow.encode;

/** The wire format an {@link ExportSession} speaks. */
public enum ExportFormat {
  NETFLOW_V5,
  NETFLOW_V9,
  IPFIX
}
