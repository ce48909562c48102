package dev.flowagg.protocol.netflow.encode;

import dev.flowagg.protocol.netflow.InformationElement;
import java.util.HashMap;
import java.util.Map;

/**
 * The values of one data record, by element; a template decides their order and lengths. Immutable.
 *
 * <p>Values: a {@link Number} (written unsigned in the field's length, keeping the low-order bytes),
 * an {@link dev.flowagg.protocol.net.IpAddress}, a {@code byte[]} or a {@link String} (UTF-8). A field without
 * a value is written as zeros, or empty when variable-length.
 */
public final class RecordSpec {

  private static final RecordSpec EMPTY = new RecordSpec(Map.of());

  /** Values by {@link FieldSpec#elementKey()}. */
  private final Map<Long, Object> values;

  private RecordSpec(Map<Long, Object> values) {
    this.values = values;
  }

  public static RecordSpec empty() {
    return EMPTY;
  }

  public RecordSpec with(InformationElement element, Object value) {
    return with(FieldSpec.of(element), value);
  }

  /** A value for a field the project does not name (enterprise or otherwise). */
  public RecordSpec with(FieldSpec field, Object value) {
    Map<Long, Object> copy = new HashMap<>(values);
    copy.put(field.elementKey(), value);
    return new RecordSpec(copy);
  }

  /** A record of many values at once, without a copy per value. */
  static RecordSpec of(Map<InformationElement, ?> values) {
    Map<Long, Object> byKey = new HashMap<>();
    values.forEach((element, value) -> byKey.put(FieldSpec.of(element).elementKey(), value));
    return new RecordSpec(byKey);
  }

  Object valueOf(FieldSpec field) {
    return values.get(field.elementKey());
  }

  @Override
  public String toString() {
    return "RecordSpec" + values;
  }
}
