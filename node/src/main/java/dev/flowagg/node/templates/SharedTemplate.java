package dev.flowagg.node.templates;

import dev.flowagg.node.CborSerializable;
import dev.flowagg.protocol.netflow.TemplateRecords.TemplateRecord;
import java.util.Arrays;

/**
 * A template as a node last received it from the exporter, shared with the other nodes: the record as exported (or
 * an IPFIX withdrawal) and when it was received, which is what its lifetime counts from.
 */
public record SharedTemplate(boolean options, byte[] record, long lastSeenMillis) implements CborSerializable {

  public static SharedTemplate of(TemplateRecord r, long lastSeenMillis) {
    return new SharedTemplate(r.options(), r.bytes(), lastSeenMillis);
  }

  public TemplateRecord toRecord(TemplateKey key) {
    return new TemplateRecord(key.version(), key.domainId(), key.templateId(), options, record);
  }

  public boolean isWithdrawal() {
    return record.length == 4 && record[2] == 0 && record[3] == 0;
  }

  /** Same definition (or same withdrawal), whenever it was seen. */
  public boolean sameDefinition(SharedTemplate o) {
    return o.options == options && Arrays.equals(o.record, record);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SharedTemplate t && sameDefinition(t) && t.lastSeenMillis == lastSeenMillis;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(record) * 31 + Long.hashCode(lastSeenMillis);
  }

  @Override
  public String toString() {
    return "SharedTemplate[" + (isWithdrawal() ? "withdrawn" : record.length + " bytes") + (options ? ", options" : "")
        + ", lastSeen=" + lastSeenMillis + "]";
  }
}
