package dev.flowagg.protocol.vpclog;

import dev.flowagg.protocol.net.IpAddress;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One flow-log record with every field parsed to its type. A field is absent when its format lacks it or the
 * line says {@code -} for it.
 */
public final class FlowLogRecord implements ParsedLine {

  /** Marks an absent column in {@code values}, for number columns as much as for the others. */
  static final Object ABSENT = new Object();

  private final FlowLogFormat format;
  private final long[] numbers;
  private final Object[] values;

  /** Built by {@link FlowLogParser}: {@code numbers} holds INT and LONG columns, {@code values} the others. */
  FlowLogRecord(FlowLogFormat format, long[] numbers, Object[] values) {
    this.format = format;
    this.numbers = numbers;
    this.values = values;
  }

  public FlowLogFormat format() {
    return format;
  }

  /** Whether the format has {@code field} and this line gives it a value. */
  public boolean has(VpcField field) {
    int column = format.columnOf(field);
    return column >= 0 && values[column] != ABSENT;
  }

  /** An INT or LONG field's value. */
  public OptionalLong number(VpcField field) {
    requireType(field, field.type() == VpcField.Type.INT || field.type() == VpcField.Type.LONG);
    return has(field) ? OptionalLong.of(numbers[format.columnOf(field)]) : OptionalLong.empty();
  }

  /** An INT or LONG field's value, or {@code ifAbsent}; allocates nothing. */
  public long numberOr(VpcField field, long ifAbsent) {
    requireType(field, field.type() == VpcField.Type.INT || field.type() == VpcField.Type.LONG);
    return has(field) ? numbers[format.columnOf(field)] : ifAbsent;
  }

  /** An ADDRESS field's value. */
  public Optional<IpAddress> address(VpcField field) {
    requireType(field, field.type() == VpcField.Type.ADDRESS);
    return has(field) ? Optional.of((IpAddress) values[format.columnOf(field)]) : Optional.empty();
  }

  /** A TEXT field's value as written; {@code log-status} reads as its name. */
  public Optional<String> text(VpcField field) {
    requireType(field, field.type() == VpcField.Type.TEXT);
    return has(field) ? Optional.of(values[format.columnOf(field)].toString()) : Optional.empty();
  }

  /** Any field's value as text, by its header name; fields AWS has not defined are only reachable this way. */
  public Optional<String> text(String fieldName) {
    int column = format.columnOf(fieldName);
    if (column < 0 || values[column] == ABSENT) {
      return Optional.empty();
    }
    return Optional.of(switch (format.typeAt(column)) {
      case INT, LONG -> Long.toString(numbers[column]);
      case ADDRESS, TEXT -> values[column].toString();
    });
  }

  /** The destination port, or -1 when absent. */
  public int dstport() {
    return (int) numberOr(VpcField.DSTPORT, -1);
  }

  /** The source port, or -1 when absent. */
  public int srcport() {
    return (int) numberOr(VpcField.SRCPORT, -1);
  }

  /** The IANA protocol number, or -1 when absent. */
  public int protocol() {
    return (int) numberOr(VpcField.PROTOCOL, -1);
  }

  /** The record's log status; a format without {@code log-status} (or a {@code -}) counts as {@link LogStatus#OK}. */
  public LogStatus logStatus() {
    int column = format.columnOf(VpcField.LOG_STATUS);
    return column >= 0 && values[column] instanceof LogStatus status ? status : LogStatus.OK;
  }

  /** Whether the record carries traffic, as opposed to a NODATA or SKIPDATA notice. */
  public boolean carriesTraffic() {
    return logStatus() == LogStatus.OK;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("FlowLogRecord[");
    for (int column = 0; column < format.columnCount(); column++) {
      String name = format.fieldNames().get(column);
      text.append(column == 0 ? "" : ", ").append(name).append('=').append(text(name).orElse("-"));
    }
    return text.append(']').toString();
  }

  private static void requireType(VpcField field, boolean matches) {
    if (!matches) {
      throw new IllegalArgumentException(field + " is a " + field.type() + " field");
    }
  }
}
