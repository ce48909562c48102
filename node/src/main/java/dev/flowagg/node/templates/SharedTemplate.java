package dev.flowagg.node.templates;

import dev.flowagg.node.CborSerializable;
import dev.flowagg.protocol.netflow.TemplateRecords.TemplateRecord;
import java.util.Arrays;

/**
 * A template as a node last received it from the exporter, shared with the other nodes: the record as exported (or
 * an IPFIX withdrawal), when it was received (what its lifetime counts from) and, for an options template, the last
 * options data set the exporter sent with it (sampling rates), empty when none.
 */
public record SharedTemplate(boolean options, byte[] record, long lastSeenMillis, byte[] optionsData)
    implements CborSerializable {

  private static final byte[] NONE = new byte[0];

  public SharedTemplate {
    optionsData = optionsData == null ? NONE : optionsData;
  }

  public static SharedTemplate of(TemplateRecord r, long lastSeenMillis) {
    return new SharedTemplate(r.options(), r.bytes(), lastSeenMillis, NONE);
  }

  public TemplateRecord toRecord(TemplateKey key) {
    return new TemplateRecord(key.version(), key.domainId(), key.templateId(), options, record);
  }

  public boolean isWithdrawal() {
    return record.length == 4 && record[2] == 0 && record[3] == 0;
  }

  public boolean hasOptionsData() {
    return optionsData.length > 0;
  }

  /** This copy seen again at {@code millis}. */
  public SharedTemplate seenAt(long millis) {
    return new SharedTemplate(options, record, millis, optionsData);
  }

  /** This template with the options data set the exporter just sent for it. */
  public SharedTemplate withOptionsData(byte[] data, long millis) {
    return new SharedTemplate(options, record, millis, data);
  }

  /** Same definition (or same withdrawal), whenever it was seen, options data aside. */
  public boolean sameDefinition(SharedTemplate o) {
    return o.options == options && Arrays.equals(o.record, record);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SharedTemplate t && sameDefinition(t) && t.lastSeenMillis == lastSeenMillis
        && Arrays.equals(t.optionsData, optionsData);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(record) * 31 + Long.hashCode(lastSeenMillis);
  }

  @Override
  public String toString() {
    return "SharedTemplate[" + (isWithdrawal() ? "withdrawn" : record.length + " bytes") + (options ? ", options" : "")
        + (hasOptionsData() ? ", " + optionsData.length + " bytes of options data" : "") + ", lastSeen="
        + lastSeenMillis + "]";
  }
}
