package dev.flowagg.protocol.netflow;

/**
 * A data set kept until its template arrives: a copy of its records and the header values needed to decode them.
 *
 * @param sysUptimeMillis v9 header uptime; unused for IPFIX
 */
record PendingSet(
    int version,
    long domain,
    int templateId,
    long receivedAtMillis,
    long exportMillis,
    long sysUptimeMillis,
    byte[] records) {}
