package dev.flowagg.protocol.vpclog;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Feeds flow-log text through a parser one line at a time, numbering the lines: the first non-blank line is the
 * header when it starts with a field name, otherwise the log is in the default format. Blank lines and repeats of
 * the header (as when log files are concatenated) are skipped. Holds one line at a time, whatever the log's size.
 */
public final class FlowLogReader {

  /** Receives each record or malformed line with its 1-based line number. */
  @FunctionalInterface
  public interface LineSink {
    void accept(long lineNumber, ParsedLine line);
  }

  private final LineSink sink;
  private FlowLogParser parser;
  private String header;
  private long headerLineNumber;
  private long lineNumber;

  public FlowLogReader(LineSink sink) {
    this.sink = sink;
  }

  /** Reads every line of {@code log} into {@code sink}; returns the format the log turned out to have. */
  public static FlowLogFormat readAll(BufferedReader log, LineSink sink) throws IOException {
    FlowLogReader reader = new FlowLogReader(sink);
    for (String line = log.readLine(); line != null; line = log.readLine()) {
      reader.accept(line);
    }
    return reader.format();
  }

  /**
   * Takes the next line of the log.
   *
   * @throws FlowLogException when the log's header line names no valid format
   */
  public void accept(String line) {
    lineNumber++;
    if (line.isBlank()) {
      return;
    }
    if (parser == null) {
      if (lineNumber == 1 && line.charAt(0) == '\uFEFF') {
        line = line.substring(1);
      }
      if (FlowLogFormat.looksLikeHeader(line)) {
        try {
          parser = new FlowLogParser(FlowLogFormat.parseHeader(line));
        } catch (IllegalArgumentException e) {
          throw new FlowLogException(lineNumber, e.getMessage());
        }
        header = line.strip();
        headerLineNumber = lineNumber;
        return;
      }
      parser = new FlowLogParser(FlowLogFormat.defaultFormat());
    } else if (header != null && line.strip().equals(header)) {
      return;
    }
    sink.accept(lineNumber, parser.parse(line));
  }

  /** The format read so far: the header's, or the default when the log has none (or no lines yet). */
  public FlowLogFormat format() {
    return parser == null ? FlowLogFormat.defaultFormat() : parser.format();
  }

  /** The line holding the header, or 0 when the log has none. */
  public long headerLineNumber() {
    return headerLineNumber;
  }

  /** How many lines have been taken, blank ones included. */
  public long lineCount() {
    return lineNumber;
  }
}
