package dev.flowagg.protocol.vpclog;

/** The {@code log-status} of a flow-log record: whether it carries traffic. */
public enum LogStatus {
  /** Data is logged normally. */
  OK,
  /** No traffic to or from the interface during the capture window. */
  NODATA,
  /** Some records were skipped during the capture window (capacity limit or internal error). */
  SKIPDATA;

  /** The status spelled by {@code text[start, end)}, or null when it spells none. */
  static LogStatus of(String text, int start, int end) {
    for (LogStatus status : values()) {
      String name = status.name();
      if (name.length() == end - start && text.regionMatches(start, name, 0, name.length())) {
        return status;
      }
    }
    return null;
  }
}
