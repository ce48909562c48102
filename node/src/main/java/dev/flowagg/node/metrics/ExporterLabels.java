package dev.flowagg.node.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code exporter} label: the first {@value #MAX_EXPORTERS} exporter addresses seen keep their own label for the
 * life of the node, later ones share {@code other}, so a scan or spoofed sources cannot blow up the series count.
 */
final class ExporterLabels {

  static final int MAX_EXPORTERS = 64;
  static final String OTHER = "other";

  private final Set<String> named = ConcurrentHashMap.newKeySet();

  String of(String exporter) {
    if (named.contains(exporter)) {
      return exporter;
    }
    synchronized (this) {
      if (named.size() < MAX_EXPORTERS) {
        named.add(exporter);
        return exporter;
      }
    }
    return OTHER;
  }
}
