package dev.flowagg.node.cli;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A steady rate limiter for the {@code send} command: wakes once per tick and lets through as many records as are
 * due since the start, so the rate holds on average without a sleep per datagram and without drift.
 *
 * <p>A sender that fell behind (a cold JIT, a machine shared with the collector) catches up by at most
 * {@link #MAX_DEBT_NANOS} worth of records; what it owes beyond that is forgotten, and the rate it reports at the end
 * says what it reached. Catching up in full would send seconds' worth of datagrams back to back, a burst no exporter
 * makes and one that a receive buffer of a few MB cannot hold.
 */
final class SendPacer {

  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  static final long MAX_DEBT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final double recordsPerSecond;
  private final LongSupplier clock;
  private final long startNanos;
  private final long maxDebt;
  /** Records admitted, plus those forgotten after falling behind. */
  private long accounted;

  /** @param recordsPerSecond 0 or less: no limit */
  SendPacer(double recordsPerSecond, LongSupplier nanoClock) {
    this.recordsPerSecond = recordsPerSecond;
    this.clock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
    this.maxDebt = Math.max(1, (long) (recordsPerSecond * MAX_DEBT_NANOS / 1e9));
  }

  SendPacer(double recordsPerSecond) {
    this(recordsPerSecond, System::nanoTime);
  }

  /**
   * Records due by now and not yet admitted, at most {@link #MAX_DEBT_NANOS} worth; may go below 0 by less than one
   * batch because a batch is admitted whole as soon as anything is due.
   */
  long due() {
    if (recordsPerSecond <= 0) {
      return Long.MAX_VALUE;
    }
    double elapsedSeconds = (clock.getAsLong() - startNanos) / 1e9;
    long due = (long) (elapsedSeconds * recordsPerSecond) - accounted;
    if (due > maxDebt) {
      accounted += due - maxDebt;
      return maxDebt;
    }
    return due;
  }

  /** Waits until at least one record is due (at tick granularity), then counts {@code records} as admitted. */
  void admit(int records) {
    while (due() <= 0) {
      long now = clock.getAsLong();
      long nextTick = startNanos + ((now - startNanos) / TICK_NANOS + 1) * TICK_NANOS;
      LockSupport.parkNanos(nextTick - now);
    }
    accounted += records;
  }

  long elapsedNanos() {
    return clock.getAsLong() - startNanos;
  }
}
