package dev.flowagg.protocol.vpclog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a flow-log record, in the order they appear on a line: the default version 2 format, or a custom
 * format named by a header line such as {@code version vpc-id srcaddr dstaddr dstport protocol bytes end}.
 *
 * <p>Field names AWS has not defined (yet) are kept as text fields, so logs of later versions still read.
 */
public final class FlowLogFormat {

  private static final List<String> DEFAULT_NAMES = List.of(
      "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets",
      "bytes", "start", "end", "action", "log-status");

  private static final FlowLogFormat DEFAULT = new FlowLogFormat(DEFAULT_NAMES);

  private final List<String> names;
  private final VpcField[] fields;
  private final VpcField.Type[] types;
  private final int[] columnByField;
  private final boolean isDefault;

  private FlowLogFormat(List<String> names) {
    this.names = List.copyOf(names);
    this.fields = new VpcField[names.size()];
    this.types = new VpcField.Type[names.size()];
    this.columnByField = new int[VpcField.values().length];
    this.isDefault = names.equals(DEFAULT_NAMES);
    Arrays.fill(columnByField, -1);
    for (int column = 0; column < names.size(); column++) {
      VpcField field = VpcField.named(names.get(column)).orElse(null);
      fields[column] = field;
      types[column] = field == null ? VpcField.Type.TEXT : field.type();
      if (field != null) {
        columnByField[field.ordinal()] = column;
      }
    }
  }

  /** The default format: the 14 version 2 fields from {@code version} to {@code log-status}. */
  public static FlowLogFormat defaultFormat() {
    return DEFAULT;
  }

  /** A custom format of the given fields in this order. */
  public static FlowLogFormat of(VpcField... fields) {
    return new FlowLogFormat(Arrays.stream(fields).map(VpcField::fieldName).toList());
  }

  /**
   * The format a header line names: field names separated by spaces, each optionally written as AWS writes a
   * format string ({@code ${srcaddr}}).
   *
   * @throws IllegalArgumentException saying which name is wrong
   */
  public static FlowLogFormat parseHeader(String line) {
    List<String> names = new ArrayList<>();
    Map<String, Integer> columns = new HashMap<>();
    for (String word : line.strip().split("[ \t]+")) {
      String name = word.startsWith("${") && word.endsWith("}") ? word.substring(2, word.length() - 1) : word;
      if (!isFieldName(name)) {
        throw new IllegalArgumentException("header: '" + word + "' is not a field name");
      }
      Integer earlier = columns.putIfAbsent(name, names.size() + 1);
      if (earlier != null) {
        throw new IllegalArgumentException(
            "header: field '" + name + "' appears twice (fields " + earlier + " and " + (names.size() + 1) + ")");
      }
      names.add(name);
    }
    // A line of words that names no AWS field at all is more likely a mangled record than a format.
    if (names.stream().noneMatch(name -> VpcField.named(name).isPresent())) {
      throw new IllegalArgumentException("header: '" + line.strip() + "' names no VPC flow-log field");
    }
    return new FlowLogFormat(names);
  }

  /** Whether a log's first line is a header rather than a record: it starts with a field name, not a number. */
  public static boolean looksLikeHeader(String line) {
    String stripped = line.strip();
    return !stripped.isEmpty() && (Character.isLetter(stripped.charAt(0)) || stripped.startsWith("${"));
  }

  public int columnCount() {
    return names.size();
  }

  public List<String> fieldNames() {
    return names;
  }

  public boolean has(VpcField field) {
    return columnByField[field.ordinal()] >= 0;
  }

  /** The column (0-based) holding {@code field}, or -1 when this format lacks it. */
  public int columnOf(VpcField field) {
    return columnByField[field.ordinal()];
  }

  /** The column (0-based) holding the field of this name, or -1. */
  public int columnOf(String fieldName) {
    return names.indexOf(fieldName);
  }

  /** The AWS field in {@code column}, or null when its name is not one AWS has defined. */
  VpcField fieldAt(int column) {
    return fields[column];
  }

  VpcField.Type typeAt(int column) {
    return types[column];
  }

  /** Whether this is the default version 2 format. */
  public boolean isDefault() {
    return isDefault;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowLogFormat other && names.equals(other.names);
  }

  @Override
  public int hashCode() {
    return names.hashCode();
  }

  @Override
  public String toString() {
    return String.join(" ", names);
  }

  // AWS field names are lower-case words joined by dashes; data values (addresses, numbers, ACCEPT) are not.
  private static boolean isFieldName(String name) {
    if (name.isEmpty() || name.charAt(0) < 'a' || name.charAt(0) > 'z') {
      return false;
    }
    return name.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_');
  }
}
