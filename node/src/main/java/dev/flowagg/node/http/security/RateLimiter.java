package dev.flowagg.node.http.security;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket per client ({@code rate} requests per second, up to {@code burst} at once), kept as one number per
 * client — the time at which its bucket will be full again (the generic cell rate algorithm) — and taken with one
 * compare-and-set, so clients never wait on a lock.
 *
 * <p>Memory is bounded: a client whose bucket has refilled holds no state worth keeping and is swept away (at most
 * once a second), and when {@code maxClients} are tracked at once, every further client shares one bucket.
 */
public final class RateLimiter {

  private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

  private final long intervalNanos;
  private final long burstNanos;
  private final int maxClients;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<Object, AtomicLong> fullAt = new ConcurrentHashMap<>();
  private final AtomicLong overflow;
  private final AtomicLong nextSweep;

  public RateLimiter(double perSecond, int burst, int maxClients, LongSupplier nanoClock) {
    if (!(perSecond > 0) || burst < 1 || maxClients < 1) {
      throw new IllegalArgumentException("a rate limit needs a positive rate, burst and client count");
    }
    this.intervalNanos = Math.max(1, Math.round(1e9 / perSecond));
    this.burstNanos = intervalNanos * burst;
    this.maxClients = maxClients;
    this.nanoClock = nanoClock;
    long now = nanoClock.getAsLong();
    this.overflow = new AtomicLong(now);
    this.nextSweep = new AtomicLong(now + SWEEP_EVERY_NANOS);
  }

  public RateLimiter(double perSecond, int burst, int maxClients) {
    this(perSecond, burst, maxClients, System::nanoTime);
  }

  /** Takes one request from {@code client}'s bucket: 0 when it may go ahead, else the nanoseconds until it could. */
  public long tryAcquire(Object client) {
    long now = nanoClock.getAsLong();
    AtomicLong bucket = fullAt.get(client);
    if (bucket == null) {
      sweepIfDue(now);
      bucket = fullAt.size() >= maxClients ? overflow : fullAt.computeIfAbsent(client, c -> new AtomicLong(now));
    }
    while (true) {
      long full = bucket.get();
      long next = (full - now > 0 ? full : now) + intervalNanos;
      long wait = next - now - burstNanos;
      if (wait > 0) {
        return wait;
      }
      if (bucket.compareAndSet(full, next)) {
        return 0;
      }
    }
  }

  /** How many clients have state now. */
  public int trackedClients() {
    return fullAt.size();
  }

  /** Whole seconds to wait, rounded up (Retry-After, RFC 9110 §10.2.3), at least 1. */
  public static long retryAfterSeconds(long waitNanos) {
    return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
  }

  private void sweepIfDue(long now) {
    long due = nextSweep.get();
    if (now - due < 0 || !nextSweep.compareAndSet(due, now + SWEEP_EVERY_NANOS)) {
      return;
    }
    // A full bucket is the same as none. A request racing this removal may use the bucket being dropped: that
    // client then starts from a full bucket once more, at most one extra request.
    fullAt.values().removeIf(b -> b.get() - now <= 0);
  }
}
