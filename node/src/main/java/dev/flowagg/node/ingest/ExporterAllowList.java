package dev.flowagg.node.ingest;

import dev.flowagg.protocol.classify.Prefix;
import dev.flowagg.protocol.classify.PrefixMap;
import dev.flowagg.protocol.net.IpAddress;
import java.util.List;

/**
 * Which exporters may send NetFlow (FLOWAGG_NETFLOW_ALLOW): address prefixes, or everyone when none are given.
 *
 * <p>Asked once per datagram by the receiver thread only: the last answer is remembered, since datagrams come in
 * runs from the same exporter, so the usual check is one comparison of two longs.
 */
public final class ExporterAllowList {

  private final PrefixMap<Boolean> allowed;
  private final List<Prefix> prefixes;
  private IpAddress lastSource;
  private boolean lastAdmitted;

  private ExporterAllowList(List<Prefix> prefixes) {
    this.prefixes = List.copyOf(prefixes);
    this.allowed = new PrefixMap<>();
    prefixes.forEach(p -> allowed.put(p, Boolean.TRUE));
  }

  /** Only these prefixes; an empty list admits every exporter. */
  public static ExporterAllowList of(List<Prefix> prefixes) {
    return new ExporterAllowList(prefixes);
  }

  public boolean admitsAll() {
    return prefixes.isEmpty();
  }

  public List<Prefix> prefixes() {
    return prefixes;
  }

  /** Whether a datagram from {@code source} is taken in. Not thread-safe: the receiver thread's alone. */
  public boolean admits(IpAddress source) {
    if (prefixes.isEmpty()) {
      return true;
    }
    if (source.equals(lastSource)) {
      return lastAdmitted;
    }
    boolean admitted = allowed.longestMatch(source) != null;
    lastSource = source;
    lastAdmitted = admitted;
    return admitted;
  }
}
