package dev.flowagg.protocol.netflow;

import dev.flowagg.protocol.netflow.ExporterCounters.Counter;

/**
 * One exporter's templates, keyed by version, observation domain (v9 source id) and template id, each usable for a
 * lifetime after it was last received.
 *
 * <p>The version is part of the key so that a v9 and an IPFIX template with the same id never meet.
 */
final class TemplateCache {

  private final LongKeyMap<CompiledTemplate> templates = new LongKeyMap<>();
  private final long lifetimeMillis;
  private final int maxTemplates;
  private final ExporterCounters counters;

  TemplateCache(long lifetimeMillis, int maxTemplates, ExporterCounters counters) {
    this.lifetimeMillis = lifetimeMillis;
    this.maxTemplates = maxTemplates;
    this.counters = counters;
  }

  /** The live template, or {@code null}; an expired one is dropped and counted. */
  CompiledTemplate find(int version, long domain, int templateId, long nowMillis) {
    long key = key(version, domain, templateId);
    CompiledTemplate t = templates.get(key);
    if (t != null && isExpired(t, nowMillis)) {
      templates.remove(key);
      counters.add(version, Counter.TEMPLATES_EXPIRED, 1);
      return null;
    }
    return t;
  }

  /** The template as stored now, expired or not, to tell a refresh from a new definition. */
  CompiledTemplate peek(int version, long domain, int templateId) {
    return templates.get(key(version, domain, templateId));
  }

  /** Stores or replaces the template; false when it is new and the exporter is at its limit. */
  boolean store(int version, long domain, CompiledTemplate template) {
    long key = key(version, domain, template.templateId);
    if (templates.size() >= maxTemplates && templates.get(key) == null) {
      return false;
    }
    templates.put(key, template);
    return true;
  }

  /** RFC 7011 §8.1: withdraws one template; true when it existed. */
  boolean withdraw(int version, long domain, int templateId) {
    return templates.remove(key(version, domain, templateId)) != null;
  }

  /** RFC 7011 §8.1: withdraws all templates, or all options templates, of a domain; returns how many. */
  int withdrawAll(int version, long domain, boolean options) {
    long prefix = key(version, domain, 0);
    return templates.removeIf((key, t) -> (key & ~0xFFFFL) == prefix && t.options == options);
  }

  /** Drops every expired template; returns how many. */
  int expire(long nowMillis) {
    return templates.removeIf((key, t) -> {
      if (!isExpired(t, nowMillis)) {
        return false;
      }
      counters.add((int) (key >>> 48), Counter.TEMPLATES_EXPIRED, 1);
      return true;
    });
  }

  int size() {
    return templates.size();
  }

  private boolean isExpired(CompiledTemplate t, long nowMillis) {
    return nowMillis - t.lastSeenMillis > lifetimeMillis;
  }

  private static long key(int version, long domain, int templateId) {
    return (long) version << 48 | (domain & 0xFFFF_FFFFL) << 16 | templateId;
  }
}
