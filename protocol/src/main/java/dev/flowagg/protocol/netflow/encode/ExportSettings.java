package dev.flowagg.protocol.netflow.encode;

import java.util.Objects;

/**
 * How an {@link ExportSession} exports.
 *
 * @param format v5, v9 or IPFIX
 * @param observationDomain IPFIX observation domain, v9 source id, or v5 engine type and id ({@code type << 8 | id})
 * @param bootMillis when the simulated exporter booted, epoch milliseconds; uptime fields count from it
 * @param templateRefreshEvery templates (and sampling options) go in every this many datagrams, the first included
 * @param samplingRate 1 in N packets; 1 when unsampled
 * @param maxDatagramBytes v9 and IPFIX datagrams stay within this size (v5 holds at most 30 records)
 */
public record ExportSettings(
    ExportFormat format,
    long observationDomain,
    long bootMillis,
    int templateRefreshEvery,
    int samplingRate,
    int maxDatagramBytes) {

  public ExportSettings {
    Objects.requireNonNull(format, "format");
    if (templateRefreshEvery < 1 || samplingRate < 1 || maxDatagramBytes < 128 || maxDatagramBytes > 65535) {
      throw new IllegalArgumentException("refresh and rate at least 1, datagram size from 128 to 65535 bytes");
    }
  }

  /** Domain 0, templates every 20 datagrams, unsampled, datagrams up to 1400 bytes. */
  public static ExportSettings of(ExportFormat format, long bootMillis) {
    return new ExportSettings(format, 0, bootMillis, 20, 1, 1400);
  }

  public ExportSettings withObservationDomain(long domain) {
    return new ExportSettings(format, domain, bootMillis, templateRefreshEvery, samplingRate, maxDatagramBytes);
  }

  public ExportSettings withTemplateRefreshEvery(int datagrams) {
    return new ExportSettings(format, observationDomain, bootMillis, datagrams, samplingRate, maxDatagramBytes);
  }

  public ExportSettings withSamplingRate(int rate) {
    return new ExportSettings(format, observationDomain, bootMillis, templateRefreshEvery, rate, maxDatagramBytes);
  }

  public ExportSettings withMaxDatagramBytes(int bytes) {
    return new ExportSettings(format, observationDomain, bootMillis, templateRefreshEvery, samplingRate, bytes);
  }
}
