package dev.flowagg.node.templates;

import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.protocol.netflow.TemplateRecords;
import dev.flowagg.protocol.netflow.TemplateRecords.TemplateRecord;
import java.nio.ByteBuffer;
import java.time.Duration;
import dev.flowagg.protocol.net.IpAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spots templates in received datagrams (next to the kernel, which decodes them itself) and tells which are worth
 * sharing: new or changed definitions, changed options data (sampling rates) and withdrawals at once, an unchanged
 * refresh only when the copy the cluster holds is a third of a lifetime old, so periodic refreshes by exporters
 * don't churn the cluster.
 *
 * <p>Not thread-safe: used by the ingest actor only.
 */
public final class TemplateLearner {

  private final Map<TemplateKey, SharedTemplate> known = new HashMap<>();
  /** Exporters that defined an options template: only their datagrams are searched for options data. */
  private final Set<IpAddress> exportersWithOptions = new HashSet<>();
  private final long lifetimeMillis;
  private final long refreshMillis;
  // Reused for every datagram: the ingest actor calls learn for each batch, on its one thread.
  private final List<TemplateRecord> scanned = new ArrayList<>();

  public TemplateLearner(Duration templateLifetime) {
    this.lifetimeMillis = templateLifetime.toMillis();
    this.refreshMillis = Math.max(1, lifetimeMillis / 3);
  }

  /** The templates of this batch the cluster should hear about; empty for most batches. */
  public Map<TemplateKey, SharedTemplate> learn(DatagramBatch batch) {
    Map<TemplateKey, SharedTemplate> fresh = null;
    for (int i = 0; i < batch.count(); i++) {
      ByteBuffer payload = batch.payload(i);
      if (!TemplateRecords.isTemplated(payload)) {
        continue;
      }
      List<TemplateRecord> records = scanned;
      records.clear();
      TemplateRecords.scan(payload, records::add);
      IpAddress address = batch.exporter(i);
      boolean sendsOptions = exportersWithOptions.contains(address);
      if (records.isEmpty() && !sendsOptions) {
        continue;
      }
      if (fresh == null) {
        fresh = new LinkedHashMap<>();
      }
      String exporter = address.toString();
      long at = batch.receivedAtMillis(i);
      for (TemplateRecord r : records) {
        learn(exporter, r, at, fresh);
        if (r.options() && !r.isWithdrawal()) {
          exportersWithOptions.add(address);
          sendsOptions = true;
        }
      }
      if (sendsOptions) {
        learnOptionsData(exporter, payload, at, fresh);
      }
    }
    return fresh == null || fresh.isEmpty() ? Map.of() : fresh;
  }

  /** Options data sets (sampling rates) belong with their options template: shared when they change. */
  private void learnOptionsData(String exporter, ByteBuffer payload, long at, Map<TemplateKey, SharedTemplate> fresh) {
    TemplateRecords.scanDataSets(
        payload,
        (version, domain, setId) -> {
          SharedTemplate t = known.get(new TemplateKey(exporter, version, domain, setId));
          return t != null && t.options() && !t.isWithdrawal();
        },
        (version, domain, setId, body) -> {
          TemplateKey key = new TemplateKey(exporter, version, domain, setId);
          SharedTemplate before = known.get(key);
          if (!Arrays.equals(before.optionsData(), body) || at - before.lastSeenMillis() >= refreshMillis) {
            remember(key, before.withOptionsData(body, at), fresh);
          }
        });
  }

  private void learn(String exporter, TemplateRecord r, long at, Map<TemplateKey, SharedTemplate> fresh) {
    if (r.isWithdrawal() && r.templateId() < 256) {
      // RFC 7011 §8.1: the set id as template id withdraws every template (or options template) of the domain.
      List<TemplateKey> all = new ArrayList<>();
      known.forEach((k, t) -> {
        if (k.exporter().equals(exporter) && k.version() == r.version() && k.domainId() == r.domainId()
            && t.options() == r.options() && !t.isWithdrawal()) {
          all.add(k);
        }
      });
      for (TemplateKey k : all) {
        TemplateRecord withdrawal = TemplateRecord.withdrawal(k.domainId(), k.templateId(), r.options());
        remember(k, SharedTemplate.of(withdrawal, at), fresh);
      }
      return;
    }
    TemplateKey key = new TemplateKey(exporter, r.version(), r.domainId(), r.templateId());
    SharedTemplate seen = SharedTemplate.of(r, at);
    SharedTemplate before = known.get(key);
    if (before == null || !before.sameDefinition(seen)) {
      // A new definition: options data sent for the old one no longer applies.
      remember(key, seen, fresh);
    } else if (at - before.lastSeenMillis() >= refreshMillis) {
      remember(key, before.seenAt(at), fresh);
    }
  }

  private void remember(TemplateKey key, SharedTemplate t, Map<TemplateKey, SharedTemplate> fresh) {
    known.put(key, t);
    fresh.put(key, t);
  }

  /** A template another node shared (or the durable copy held) was handed to the kernel: it is known here too. */
  public void replayed(TemplateKey key, SharedTemplate t) {
    SharedTemplate before = known.get(key);
    if (before == null || before.lastSeenMillis() <= t.lastSeenMillis()) {
      known.put(key, t);
      if (t.options() && !t.isWithdrawal()) {
        exportersWithOptions.add(IpAddress.parse(key.exporter()));
      }
    }
  }

  /** Forgets what has outlived its lifetime, as the kernel does. */
  public void expire(long nowMillis) {
    known.values().removeIf(t -> nowMillis - t.lastSeenMillis() > lifetimeMillis);
    exportersWithOptions.clear();
    known.forEach((k, t) -> {
      if (t.options() && !t.isWithdrawal()) {
        exportersWithOptions.add(IpAddress.parse(k.exporter()));
      }
    });
  }
}
