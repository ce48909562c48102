package dev.flowagg.node.cli;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A steady rate limiter for the {@code send} command: wakes once per tick and lets through as many records as are
 * due since the start, so the rate holds on average without a sleep per datagram and without drift.
 */
final class SendPacer {

  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final double recordsPerSecond;
  private final LongSupplier clock;
  private final long startNanos;
  private long admitted;

  /** @param recordsPerSecond 0 or less: no limit */
  SendPacer(double recordsPerSecond, LongSupplier nanoClock) {
    this.recordsPerSecond = recordsPerSecond;
    this.clock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
  }

  SendPacer(double recordsPerSecond) {
    this(recordsPerSecond, System::nanoTime);
  }

  /**
   * Records due by now and not yet admitted; may go below 0 by less than one batch because a batch is admitted
   * whole as soon as anything is due.
   */
  long due() {
    if (recordsPerSecond <= 0) {
      return Long.MAX_VALUE;
    }
    double elapsedSeconds = (clock.getAsLong() - startNanos) / 1e9;
    return (long) (elapsedSeconds * recordsPerSecond) - admitted;
  }

  /** Waits until at least one record is due (at tick granularity), then counts {@code records} as admitted. */
  void admit(int records) {
    while (due() <= 0) {
      long now = clock.getAsLong();
      long nextTick = startNanos + ((now - startNanos) / TICK_NANOS + 1) * TICK_NANOS;
      LockSupport.parkNanos(nextTick - now);
    }
    admitted += records;
  }

  long elapsedNanos() {
    return clock.getAsLong() - startNanos;
  }
}
