package dev.flowagg.protocol.vpclog;

/** What one flow-log line turned out to be: a record, or a description of why it is not one. */
public sealed interface ParsedLine permits FlowLogRecord, ParsedLine.Malformed {

  /** A line that is not a record of the format; {@code problem} names the field and what is wrong with it. */
  record Malformed(String problem) implements ParsedLine {}
}
