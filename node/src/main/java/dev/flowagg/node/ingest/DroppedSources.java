package dev.flowagg.node.ingest;

import dev.flowagg.protocol.net.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Datagrams dropped because their exporter is not allowed, counted per source address: at most {@link #MAX_SOURCES}
 * addresses are told apart (a flood from many addresses can't grow memory), the rest are counted together.
 */
public final class DroppedSources {

  /** Source addresses counted one by one. */
  public static final int MAX_SOURCES = 1024;

  /** A source and what it sent that was dropped. */
  public record Count(IpAddress source, long datagrams) {}

  private final ConcurrentHashMap<IpAddress, AtomicLong> bySource = new ConcurrentHashMap<>();
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong untracked = new AtomicLong();
  // Read and written by the housekeeping that logs, one thread at a time.
  private final Map<IpAddress, Long> reported = new HashMap<>();
  private long reportedUntracked;

  /** Counts one datagram dropped from {@code source}. */
  public void count(IpAddress source) {
    total.incrementAndGet();
    AtomicLong n = bySource.get(source);
    if (n == null) {
      if (bySource.size() >= MAX_SOURCES) {
        untracked.incrementAndGet();
        return;
      }
      n = bySource.computeIfAbsent(source, s -> new AtomicLong());
    }
    n.incrementAndGet();
  }

  /** Every datagram dropped. */
  public long total() {
    return total.get();
  }

  /** Datagrams from sources past the first {@link #MAX_SOURCES}. */
  public long untracked() {
    return untracked.get();
  }

  /** Per source, in address order. */
  public List<Count> bySource() {
    List<Count> counts = new ArrayList<>();
    new TreeMap<>(bySource).forEach((source, n) -> counts.add(new Count(source, n.get())));
    return counts;
  }

  /** What was dropped since the last call, per source (most first), for a log line; untracked sources last as null. */
  List<Count> sinceLastReport() {
    List<Count> fresh = new ArrayList<>();
    bySource.forEach(
        (source, n) -> {
          long now = n.get();
          long before = reported.getOrDefault(source, 0L);
          if (now > before) {
            fresh.add(new Count(source, now - before));
            reported.put(source, now);
          }
        });
    fresh.sort((a, b) -> Long.compare(b.datagrams(), a.datagrams()));
    long untrackedNow = untracked.get();
    if (untrackedNow > reportedUntracked) {
      fresh.add(new Count(null, untrackedNow - reportedUntracked));
      reportedUntracked = untrackedNow;
    }
    return fresh;
  }
}
