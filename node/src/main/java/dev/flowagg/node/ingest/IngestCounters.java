package dev.flowagg.node.ingest;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of the ingest path outside the decoder, shared by the receiver, the ingest actor and the stats route. */
public final class IngestCounters {
  /** Datagrams taken off the socket. */
  public final AtomicLong datagramsReceived = new AtomicLong();
  /** Datagrams dropped because every receive batch was busy (the decoder thread starved of CPU). */
  public final AtomicLong datagramsDroppedBusy = new AtomicLong();
  /** Datagrams dropped because max-pending-entries (tuple, hour) entries were waiting to be stored, per exporter. */
  public final DroppedSources droppedPendingFull = new DroppedSources();
  /**
   * Datagrams dropped while the table was more than half full because their exporter had sent more than twice its
   * fair share since the last delivery, per exporter: one flooding exporter cannot take the others' room.
   */
  public final DroppedSources droppedOverShare = new DroppedSources();
  /** Datagrams dropped because they were longer than a receive slot (native batched receive only). */
  public final AtomicLong datagramsDroppedOversize = new AtomicLong();
  /** Datagrams dropped because their exporter is outside FLOWAGG_NETFLOW_ALLOW, per source. */
  public final DroppedSources droppedNotAllowed = new DroppedSources();
  /** Socket errors while receiving. */
  public final AtomicLong receiveErrors = new AtomicLong();
  /** Flows decoded. */
  public final AtomicLong flows = new AtomicLong();
  /** Deliveries of pre-aggregated deltas that completed, and the (tuple, hour) entries they carried. */
  public final AtomicLong deliveries = new AtomicLong();
  public final AtomicLong entriesDelivered = new AtomicLong();
  /** Delivery attempts that failed and were retried with the same write id. */
  public final AtomicLong deliveryRetries = new AtomicLong();
  /** Entries an entity refused because a total would pass 2^63-1. */
  public final AtomicLong entriesRefusedOverflow = new AtomicLong();
  /** Entries left out because their hour is past the retention (or too far ahead of the clock). */
  public final AtomicLong entriesOutsideRetention = new AtomicLong();
  /** Deliveries under way now (0 or 1), the entries the one under way carries, and when its oldest delta arrived. */
  public final AtomicLong deliveriesInFlight = new AtomicLong();
  public final AtomicLong inFlightEntries = new AtomicLong();
  public final AtomicLong inFlightOldestNanos = new AtomicLong();
  /** When the oldest delta still in the table (not yet cut into a delivery) arrived; 0 when the table is empty. */
  public final AtomicLong tableOldestNanos = new AtomicLong();

  /** How long the last delivery took to store, and the entries per second it stored (a moving average). */
  public final AtomicLong lastDeliveryMillis = new AtomicLong();
  /** The time between deliveries now asked for: the flush interval, or longer after slow deliveries. */
  public final AtomicLong deliveryPeriodMillis = new AtomicLong();
  private volatile double storedPerSecond;

  /** Records a delivery of {@code entries} that took {@code millis} to store. */
  public void delivered(long entries, long millis) {
    lastDeliveryMillis.set(millis);
    double rate = entries * 1000.0 / Math.max(1, millis);
    storedPerSecond = storedPerSecond == 0 ? rate : 0.7 * storedPerSecond + 0.3 * rate;
  }

  /** Entries the recent deliveries stored per second while they ran. */
  public double storedPerSecond() {
    return storedPerSecond;
  }

  /** How long the oldest delta not yet stored has waited, in milliseconds (0 when nothing waits). */
  public long lagMillis(long nowNanos) {
    long oldest = Long.MAX_VALUE;
    for (long t : new long[] {inFlightOldestNanos.get(), tableOldestNanos.get()}) {
      if (t != 0) {
        oldest = Math.min(oldest, t);
      }
    }
    return oldest == Long.MAX_VALUE ? 0 : Math.max(0, (nowNanos - oldest) / 1_000_000);
  }
  /** Entries aggregated but not yet handed to a delivery. */
  public final AtomicLong pendingEntries = new AtomicLong();
  /** NetFlow templates this node's exporters defined (or withdrew) that it shared with the cluster. */
  public final AtomicLong templatesShared = new AtomicLong();
  /** Failed writes or reads of the delivery log (the disk is full or failing). */
  public final AtomicLong logErrors = new AtomicLong();
  /** Templates handed to the kernel from other nodes or from the database, without the exporter resending them. */
  public final AtomicLong templatesReplayed = new AtomicLong();
  /** Template copies written to the database, and failed reads or writes of it. */
  public final AtomicLong templatesStored = new AtomicLong();
  public final AtomicLong templateStoreErrors = new AtomicLong();
}
