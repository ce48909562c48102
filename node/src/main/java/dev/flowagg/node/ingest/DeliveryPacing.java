package dev.flowagg.node.ingest;

import java.time.Duration;

/**
 * When the next NetFlow delivery may be cut. A delivery costs the database about the same whatever the number of
 * records in it, since they are folded per {@code (tuple, hour)} first: at high cardinality, cutting one as soon as
 * the last is stored keeps the database (and the node's storing threads) busy all the time, and takes the CPU that
 * receiving and decoding need. So deliveries are spaced to keep storing to {@code storeShare} of the time: after a
 * delivery that took {@code T} to store, the next is cut {@code T / storeShare} after the last cut at the earliest,
 * but never sooner than the flush interval apart, nor later than the longest interval.
 *
 * <p>Two things cut at the flush interval regardless: a table past half the pending bound (the rest would risk
 * drops), and a delivery that needed retries (its time measured a database that was away, not the cost of storing).
 * Not thread-safe: the ingest actor's.
 */
final class DeliveryPacing {

  private final long intervalNanos;
  private final long longestNanos;
  private final double storeShare;
  private final long urgentEntries;
  private long lastCutNanos;
  private long periodNanos;

  /**
   * @param interval the shortest time between cuts
   * @param longest the longest, however long the last delivery took to store
   * @param storeShare the share of the time storing may take, in (0, 1]; 1 cuts as soon as the last is stored
   * @param maxPendingEntries the pending bound; past half of it the next cut is due at the interval
   */
  DeliveryPacing(Duration interval, Duration longest, double storeShare, int maxPendingEntries, long nowNanos) {
    if (!(storeShare > 0 && storeShare <= 1)) {
      throw new IllegalArgumentException("the store share must be above 0 and at most 1, not " + storeShare);
    }
    this.intervalNanos = interval.toNanos();
    this.longestNanos = Math.max(intervalNanos, longest.toNanos());
    this.storeShare = storeShare;
    this.urgentEntries = Math.max(1, maxPendingEntries / 2);
    this.lastCutNanos = nowNanos;
    this.periodNanos = intervalNanos;
  }

  /** Whether a delivery may be cut now, with {@code pendingEntries} waiting in the table. */
  boolean due(long nowNanos, long pendingEntries) {
    long period = pendingEntries >= urgentEntries ? intervalNanos : periodNanos;
    return nowNanos - lastCutNanos >= period;
  }

  void cut(long nowNanos) {
    lastCutNanos = nowNanos;
  }

  /** A delivery was stored after {@code storeNanos}; {@code retried} when any part of it had to be sent again. */
  void stored(long storeNanos, boolean retried) {
    long spaced = retried ? intervalNanos : (long) Math.min(Long.MAX_VALUE, storeNanos / storeShare);
    periodNanos = Math.clamp(spaced, intervalNanos, longestNanos);
  }

  /** The time between cuts now asked for. */
  Duration period() {
    return Duration.ofNanos(periodNanos);
  }
}
