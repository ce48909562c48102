package dev.flowagg.protocol.vpclog;

import dev.flowagg.protocol.net.IpAddress;

/**
 * Parses flow-log lines of one format by scanning them once: no regular expressions and no splitting, so a log of
 * millions of lines costs little more than reading it. Thread-safe.
 */
public final class FlowLogParser {

  private final FlowLogFormat format;

  public FlowLogParser(FlowLogFormat format) {
    this.format = format;
  }

  public FlowLogFormat format() {
    return format;
  }

  /** The record on {@code line}, or why it is not one. */
  public ParsedLine parse(String line) {
    int columns = format.columnCount();
    int[] starts = new int[columns];
    int[] ends = new int[columns];
    int found = 0;
    int length = line.length();
    int position = 0;
    while (true) {
      while (position < length && isSeparator(line.charAt(position))) {
        position++;
      }
      if (position == length) {
        break;
      }
      int end = position;
      while (end < length && !isSeparator(line.charAt(end))) {
        end++;
      }
      if (found < columns) {
        starts[found] = position;
        ends[found] = end;
      }
      found++;
      position = end;
    }
    if (found != columns) {
      return new ParsedLine.Malformed("expected " + columns + (columns == 1 ? " field (" : " fields (")
          + (format.isDefault() ? "the default version 2 format" : "as the header names them") + "), found " + found);
    }
    long[] numbers = new long[columns];
    Object[] values = new Object[columns];
    for (int column = 0; column < columns; column++) {
      String problem = parseField(line, starts[column], ends[column], column, numbers, values);
      if (problem != null) {
        return new ParsedLine.Malformed(format.fieldNames().get(column) + ": " + problem);
      }
    }
    return new FlowLogRecord(format, numbers, values);
  }

  /** Parses one field into {@code numbers} or {@code values}; returns what is wrong with it, or null. */
  private String parseField(String line, int start, int end, int column, long[] numbers, Object[] values) {
    if (end - start == 1 && line.charAt(start) == '-') {
      values[column] = FlowLogRecord.ABSENT;
      return null;
    }
    VpcField field = format.fieldAt(column);
    switch (format.typeAt(column)) {
      case INT, LONG -> {
        long value = 0;
        for (int i = start; i < end; i++) {
          int digit = line.charAt(i) - '0';
          if (digit < 0 || digit > 9) {
            return "'" + line.substring(start, end) + "' is not a number";
          }
          if (value > (Long.MAX_VALUE - digit) / 10) {
            return line.substring(start, end) + " is too large";
          }
          value = value * 10 + digit;
        }
        if (value < field.min() || value > field.max()) {
          return value + " is outside " + field.min() + ".." + field.max();
        }
        numbers[column] = value;
      }
      case ADDRESS -> {
        IpAddress address = parseAddress(line, start, end);
        if (address == null) {
          return "'" + line.substring(start, end) + "' is not an IP address";
        }
        values[column] = address;
      }
      case TEXT -> {
        if (field == VpcField.LOG_STATUS) {
          LogStatus status = LogStatus.of(line, start, end);
          if (status == null) {
            return "'" + line.substring(start, end) + "' is not OK, NODATA or SKIPDATA";
          }
          values[column] = status;
        } else {
          values[column] = line.substring(start, end);
        }
      }
    }
    return null;
  }

  /** Dotted IPv4 scanned in place; anything else goes to the full parser. Null when not an address. */
  private static IpAddress parseAddress(String line, int start, int end) {
    int bits = 0;
    int octets = 0;
    int octet = 0;
    int digits = 0;
    for (int i = start; i < end; i++) {
      char c = line.charAt(i);
      if (c >= '0' && c <= '9' && digits < 3) {
        octet = octet * 10 + (c - '0');
        digits++;
      } else if (c == '.' && digits > 0 && octets < 3 && octet <= 255) {
        bits = bits << 8 | octet;
        octets++;
        octet = 0;
        digits = 0;
      } else {
        return parseOther(line.substring(start, end));
      }
    }
    if (octets != 3 || digits == 0 || octet > 255) {
      return null;
    }
    return IpAddress.ofV4(bits << 8 | octet);
  }

  /** IPv6, or whatever else is not a plain dotted quad. */
  private static IpAddress parseOther(String text) {
    try {
      return IpAddress.parse(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isSeparator(char c) {
    return c == ' ' || c == '\t' || c == '\r';
  }
}
