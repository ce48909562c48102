package dev.flowagg.protocol.netflow;

import dev.flowagg.protocol.net.IpAddress;
import java.util.Map;

/**
 * The decoder's counters for one exporter and version since the last reset.
 *
 * @param exporter the address datagrams came from
 * @param version 5, 9, 10, or 0 for datagrams whose version was unknown or unreadable
 * @param datagrams datagrams received
 * @param datagramBytes their bytes on the wire
 * @param flows flow records delivered to the sink, late ones included
 * @param optionsRecords options data records read (sampling, system init time)
 * @param templates template and options template records accepted, refreshes included
 * @param templatesWithdrawn templates removed by an IPFIX withdrawal
 * @param templatesExpired templates dropped because their lifetime ran out
 * @param setsQueued data sets kept because their template was unknown
 * @param setsDecodedLate kept sets decoded when their template arrived
 * @param setsWaiting kept sets still waiting now (a gauge, not reset)
 * @param errors occurrences of each error; errors that did not occur are absent
 */
public record ExporterStats(
    IpAddress exporter,
    int version,
    long datagrams,
    long datagramBytes,
    long flows,
    long optionsRecords,
    long templates,
    long templatesWithdrawn,
    long templatesExpired,
    long setsQueued,
    long setsDecodedLate,
    long setsWaiting,
    Map<DecodeError, Long> errors) {

  public ExporterStats {
    errors = Map.copyOf(errors);
  }

  /** How often this error occurred. */
  public long errors(DecodeError error) {
    return errors.getOrDefault(error, 0L);
  }

  public long totalErrors() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }
}
