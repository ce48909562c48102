package dev.flowagg.node.settings;

import java.time.Duration;

/** How long an {@code Idempotency-Key} is remembered, and how often forgotten keys are removed from the journal. */
public record IdempotencySettings(Duration retention, Duration sweepInterval) {

  static IdempotencySettings from(FlowaggConfig c) {
    Duration retention = c.getDuration("retention");
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("FLOWAGG_IDEMPOTENCY_RETENTION must be positive, not " + retention);
    }
    return new IdempotencySettings(retention, c.getDuration("sweep-interval"));
  }
}
