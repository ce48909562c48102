package dev.flowagg.node.settings;

import java.time.Duration;

/**
 * How long totals are kept (hourly rows, then daily rollups) and which hours a write may name: from the first hour
 * still kept to {@code maxFuture} ahead of now (exporter clocks drift; far-future hours are mistakes).
 */
public record RetentionSettings(Duration hourly, Duration daily, Duration maxFuture, Duration sweepInterval) {

  public static final long MILLIS_PER_HOUR = 3_600_000L;

  static RetentionSettings from(FlowaggConfig c) {
    RetentionSettings r = new RetentionSettings(
        c.getDuration("hourly"), c.getDuration("daily"), c.getDuration("max-future"), c.getDuration("sweep-interval"));
    if (r.hourly.toHours() < 1 || r.daily.toDays() < 1) {
      throw new IllegalArgumentException(
          "FLOWAGG_RETENTION_HOURLY must be at least 1h and FLOWAGG_RETENTION_DAILY at least 1d");
    }
    if (r.daily.compareTo(r.hourly) < 0) {
      throw new IllegalArgumentException(
          "FLOWAGG_RETENTION_DAILY (" + r.daily.toDays() + " days) must not be shorter than FLOWAGG_RETENTION_HOURLY ("
              + r.hourly.toDays() + " days): daily totals are made from hourly ones");
    }
    return r;
  }

  public static long hourOf(long millis) {
    return Math.floorDiv(millis, MILLIS_PER_HOUR);
  }

  /** The oldest hour still kept at {@code nowMillis}. */
  public long firstHour(long nowMillis) {
    return hourOf(nowMillis) - hourly.toHours();
  }

  /** The oldest day still kept at {@code nowMillis}. */
  public long firstDay(long nowMillis) {
    return Math.floorDiv(hourOf(nowMillis), 24) - daily.toDays();
  }

  /** The latest hour a write may name at {@code nowMillis}. */
  public long lastHour(long nowMillis) {
    return hourOf(nowMillis) + maxFuture.toHours();
  }
}
