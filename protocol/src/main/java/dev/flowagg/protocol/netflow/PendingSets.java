package dev.flowagg.protocol.netflow;

import dev.flowagg.protocol.netflow.ExporterCounters.Counter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** One exporter's data sets waiting for their template, bounded in count, bytes and age. */
final class PendingSets {

  private final ArrayDeque<PendingSet> queue = new ArrayDeque<>();
  private final int maxSets;
  private final long maxBytes;
  private final long maxAgeMillis;
  private final ExporterCounters counters;
  private long bytes;

  PendingSets(int maxSets, long maxBytes, long maxAgeMillis, ExporterCounters counters) {
    this.maxSets = maxSets;
    this.maxBytes = maxBytes;
    this.maxAgeMillis = maxAgeMillis;
    this.counters = counters;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Keeps the set, or drops it and counts {@link DecodeError#PENDING_QUEUE_FULL} when a bound would be exceeded. */
  void offer(PendingSet set) {
    if (queue.size() >= maxSets || bytes + set.records().length > maxBytes) {
      counters.error(set.version(), DecodeError.PENDING_QUEUE_FULL);
      return;
    }
    queue.addLast(set);
    bytes += set.records().length;
    counters.add(set.version(), Counter.SETS_QUEUED, 1);
    counters.add(set.version(), Counter.SETS_WAITING, 1);
  }

  /** Removes and returns the live sets for this template in arrival order; expired ones met on the way are dropped. */
  List<PendingSet> takeMatching(int version, long domain, int templateId, long nowMillis) {
    List<PendingSet> taken = List.of();
    for (Iterator<PendingSet> it = queue.iterator(); it.hasNext(); ) {
      PendingSet s = it.next();
      boolean expired = isExpired(s, nowMillis);
      boolean matches = s.version() == version && s.domain() == domain && s.templateId() == templateId;
      if (expired || matches) {
        it.remove();
        release(s, expired);
        if (!expired) {
          if (taken.isEmpty()) {
            taken = new ArrayList<>();
          }
          taken.add(s);
        }
      }
    }
    return taken;
  }

  /** Drops sets older than the age bound: only from the head when {@code full} is false, which is enough for arrival order. */
  void dropExpired(long nowMillis, boolean full) {
    if (!full) {
      while (!queue.isEmpty() && isExpired(queue.peekFirst(), nowMillis)) {
        release(queue.pollFirst(), true);
      }
      return;
    }
    for (Iterator<PendingSet> it = queue.iterator(); it.hasNext(); ) {
      PendingSet s = it.next();
      if (isExpired(s, nowMillis)) {
        it.remove();
        release(s, true);
      }
    }
  }

  private void release(PendingSet s, boolean expired) {
    bytes -= s.records().length;
    counters.add(s.version(), Counter.SETS_WAITING, -1);
    if (expired) {
      counters.error(s.version(), DecodeError.PENDING_EXPIRED);
    } else {
      counters.add(s.version(), Counter.SETS_DECODED_LATE, 1);
    }
  }

  private boolean isExpired(PendingSet s, long nowMillis) {
    return nowMillis - s.receivedAtMillis() > maxAgeMillis;
  }
}
