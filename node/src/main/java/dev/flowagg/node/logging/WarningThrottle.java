package dev.flowagg.node.logging;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Lets one warning per key (a client, an exporter) through per interval and counts the ones held back, so repeated
 * bad input cannot flood the log yet none goes unmentioned.
 */
public final class WarningThrottle {

  /** Keys remembered at most; past this the memory is cleared (at worst one extra warning per key). */
  private static final int MAX_KEYS = 10_000;

  private final long intervalNanos;
  private final Map<String, long[]> windows = new HashMap<>();

  public WarningThrottle(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /**
   * Whether to log a warning for this key now: -1 to hold it back, otherwise how many were held back since the last
   * one logged.
   */
  public synchronized long admit(String key, long nowNanos) {
    long[] w = windows.get(key);
    if (w == null) {
      if (windows.size() >= MAX_KEYS) {
        windows.clear();
      }
      windows.put(key, new long[] {nowNanos, 0});
      return 0;
    }
    if (nowNanos - w[0] < intervalNanos) {
      w[1]++;
      return -1;
    }
    long suppressed = w[1];
    w[0] = nowNanos;
    w[1] = 0;
    return suppressed;
  }

  public Duration interval() {
    return Duration.ofNanos(intervalNanos);
  }
}
