package dev.flowagg.protocol.netflow;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link NetflowDecoder} treats sampling, templates and data that arrives before its template.
 *
 * @param samplingMode whether counts are scaled by the sampling rate
 * @param templateLifetime how long a template stays usable after it was last received (RFC 7011 §8.4)
 * @param maxTemplatesPerExporter templates kept per exporter, all domains and versions together
 * @param maxFieldsPerTemplate templates with more fields are ignored
 * @param maxPendingSetsPerExporter data sets kept per exporter while their template is unknown
 * @param maxPendingBytesPerExporter bytes of such sets kept per exporter
 * @param maxPendingAge how long such a set may wait for its template
 */
public record DecoderSettings(
    SamplingMode samplingMode,
    Duration templateLifetime,
    int maxTemplatesPerExporter,
    int maxFieldsPerTemplate,
    int maxPendingSetsPerExporter,
    int maxPendingBytesPerExporter,
    Duration maxPendingAge) {

  public DecoderSettings {
    Objects.requireNonNull(samplingMode, "samplingMode");
    requirePositive(templateLifetime, "templateLifetime");
    requirePositive(maxPendingAge, "maxPendingAge");
    if (maxTemplatesPerExporter < 1 || maxFieldsPerTemplate < 1) {
      throw new IllegalArgumentException("template limits must be at least 1");
    }
    if (maxPendingSetsPerExporter < 0 || maxPendingBytesPerExporter < 0) {
      throw new IllegalArgumentException("pending limits must not be negative");
    }
  }

  /** Sampling applied, 60-minute template lifetime, 4096 templates of up to 512 fields, 1024 sets / 4 MiB / 60 s waiting. */
  public static DecoderSettings defaults() {
    return new DecoderSettings(
        SamplingMode.APPLY, Duration.ofMinutes(60), 4096, 512, 1024, 4 << 20, Duration.ofSeconds(60));
  }

  public DecoderSettings withSamplingMode(SamplingMode mode) {
    return new DecoderSettings(mode, templateLifetime, maxTemplatesPerExporter, maxFieldsPerTemplate,
        maxPendingSetsPerExporter, maxPendingBytesPerExporter, maxPendingAge);
  }

  public DecoderSettings withTemplateLifetime(Duration lifetime) {
    return new DecoderSettings(samplingMode, lifetime, maxTemplatesPerExporter, maxFieldsPerTemplate,
        maxPendingSetsPerExporter, maxPendingBytesPerExporter, maxPendingAge);
  }

  public DecoderSettings withTemplateLimits(int templatesPerExporter, int fieldsPerTemplate) {
    return new DecoderSettings(samplingMode, templateLifetime, templatesPerExporter, fieldsPerTemplate,
        maxPendingSetsPerExporter, maxPendingBytesPerExporter, maxPendingAge);
  }

  public DecoderSettings withPendingLimits(int setsPerExporter, int bytesPerExporter, Duration maxAge) {
    return new DecoderSettings(samplingMode, templateLifetime, maxTemplatesPerExporter, maxFieldsPerTemplate,
        setsPerExporter, bytesPerExporter, maxAge);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
