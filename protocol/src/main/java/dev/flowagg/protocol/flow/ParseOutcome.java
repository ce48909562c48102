package dev.flowagg.protocol.flow;

import java.util.List;

/** The result of reading a {@code POST /flows} body: every record valid, or why the request is refused. */
public sealed interface ParseOutcome {

  /** Every record passed validation; none has been applied yet. */
  record Accepted(List<FlowRecord> records) implements ParseOutcome {}

  /**
   * The body is not a valid batch of flow records. {@code totalProblems} counts every problem found, {@code details}
   * holds the first of them (bounded, so a huge bad body gets a small answer).
   */
  record Rejected(String error, List<Problem> details, int totalProblems) implements ParseOutcome {}

  /** The body holds more records than one request may carry. */
  record TooManyRecords(int limit) implements ParseOutcome {}
}
