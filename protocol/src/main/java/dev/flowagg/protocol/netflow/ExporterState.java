package dev.flowagg.protocol.netflow;

import dev.flowagg.protocol.net.IpAddress;

/** Everything the decoder remembers about one exporter: templates, data waiting for them, per-domain options, counters. */
final class ExporterState {

  final IpAddress address;
  final ExporterCounters counters;
  final TemplateCache templates;
  final PendingSets pending;
  private final LongKeyMap<DomainState> domains = new LongKeyMap<>();
  long lastSeenMillis;

  ExporterState(IpAddress address, ExporterCounters counters, DecoderSettings settings) {
    this.address = address;
    this.counters = counters;
    this.templates = new TemplateCache(
        settings.templateLifetime().toMillis(), settings.maxTemplatesPerExporter(), counters);
    this.pending = new PendingSets(settings.maxPendingSetsPerExporter(), settings.maxPendingBytesPerExporter(),
        settings.maxPendingAge().toMillis(), counters);
  }

  /** The options state of a v9 source id or IPFIX observation domain, created empty on first use. */
  DomainState domain(int version, long domainId) {
    long key = (long) version << 32 | domainId;
    DomainState d = domains.get(key);
    if (d == null) {
      d = new DomainState();
      domains.put(key, d);
    }
    return d;
  }

  /** Nothing left worth keeping: no templates, no waiting data, silent for longer than {@code idleMillis}. */
  boolean isForgettable(long nowMillis, long idleMillis) {
    return templates.size() == 0 && pending.isEmpty() && nowMillis - lastSeenMillis > idleMillis;
  }
}
