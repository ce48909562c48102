package dev.flowagg.protocol.vpclog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * How many flow-log records each tag matched, and how many each server port/protocol pair had (the server as
 * {@link ServerSide} decides it).
 *
 * <p>Two tables: tags by count (highest first, then by name) with {@code Untagged} last, and port/protocol pairs by
 * count (highest first, then port, then protocol number). Each is written as CSV on its own ({@link #writeTagsCsv},
 * {@link #writePortsCsv}), or both under titles as the text report ({@link #writeTo}). A {@code -} in the log prints
 * as {@code -} and sorts after every number. NODATA and SKIPDATA records, and records of another action than the
 * one asked for, are in neither table; they and malformed lines are counted in {@link #lines()}, which
 * {@link #summary()} describes.
 *
 * @param tags tags with at least one record, sorted as printed
 * @param untagged records that no lookup row matched
 * @param combinations port/protocol pairs with at least one record, sorted as printed
 * @param lines how the log's lines were counted
 */
public record TagReport(List<TagCount> tags, long untagged, List<PortProtocolCount> combinations, LineCounts lines) {

  private static final Comparator<TagCount> TAG_ORDER = Comparator.comparingLong(TagCount::count).reversed()
      .thenComparing(TagCount::tag, String.CASE_INSENSITIVE_ORDER)
      .thenComparing(TagCount::tag);

  private static final Comparator<PortProtocolCount> COMBINATION_ORDER =
      Comparator.comparingLong(PortProtocolCount::count).reversed()
          .thenComparingInt(c -> absentLast(c.port()))
          .thenComparingInt(c -> absentLast(c.protocol()));

  public TagReport {
    tags = tags.stream().sorted(TAG_ORDER).toList();
    combinations = combinations.stream().sorted(COMBINATION_ORDER).toList();
  }

  /** Records matched by one tag. */
  public record TagCount(String tag, long count) {}

  /** Records with one destination port and protocol; -1 stands for {@code -} in the log. */
  public record PortProtocolCount(int port, int protocol, long count) {

    public String portText() {
      return port < 0 ? "-" : Integer.toString(port);
    }

    /** The protocol's lower-case IANA keyword, or its number when the registry has none. */
    public String protocolText() {
      return protocol < 0 ? "-" : ProtocolNumbers.keyword(protocol);
    }
  }

  /**
   * How the lines of the log were counted.
   *
   * @param records records that carry traffic (in both tables of the report)
   * @param otherAction records that carry traffic but not with the action asked for (or with none)
   * @param noData records whose log-status is NODATA
   * @param skipData records whose log-status is SKIPDATA
   * @param malformed lines that were not records
   */
  public record LineCounts(long records, long otherAction, long noData, long skipData, long malformed) {}

  /**
   * Streams {@code log} (with or without a header line) through the tags of {@code table}.
   *
   * @param problems receives each malformed line, which is then left out of the counts
   * @param strict when true the first malformed line ends the report with a {@link FlowLogException} instead
   * @throws FlowLogException when the header is wrong, or in strict mode a line is malformed
   */
  public static TagReport generate(
      BufferedReader log, LookupTable table, Consumer<LineProblem> problems, boolean strict) throws IOException {
    return generate(log, new TagCounter(table), problems, strict);
  }

  /** As {@link #generate(BufferedReader, LookupTable, Consumer, boolean)}, counting with {@code counter}. */
  public static TagReport generate(
      BufferedReader log, TagCounter counter, Consumer<LineProblem> problems, boolean strict) throws IOException {
    FlowLogReader.readAll(log, (lineNumber, line) -> {
      switch (line) {
        case FlowLogRecord record -> counter.add(record);
        case ParsedLine.Malformed(String problem) -> {
          if (strict) {
            throw new FlowLogException(lineNumber, problem);
          }
          counter.addMalformed();
          problems.accept(new LineProblem(lineNumber, problem));
        }
      }
    });
    return counter.report();
  }

  /** Writes the text report: both tables, each under a title line, lines ending in {@code \n}. */
  public void writeTo(Appendable out) throws IOException {
    out.append("Tag Counts:\n");
    writeTagsCsv(out);
    out.append('\n');
    out.append("Port/Protocol Combination Counts:\n");
    writePortsCsv(out);
  }

  /** Writes the tag counts as CSV (RFC 4180): a {@code Tag,Count} header, then one row per tag. */
  public void writeTagsCsv(Appendable out) throws IOException {
    out.append("Tag,Count\n");
    for (TagCount tag : tags) {
      out.append(csvField(tag.tag())).append(',').append(Long.toString(tag.count())).append('\n');
    }
    out.append(LookupTable.UNTAGGED).append(',').append(Long.toString(untagged)).append('\n');
  }

  /** Writes the port/protocol counts as CSV (RFC 4180): a {@code Port,Protocol,Count} header, then one row each. */
  public void writePortsCsv(Appendable out) throws IOException {
    out.append("Port,Protocol,Count\n");
    for (PortProtocolCount c : combinations) {
      out.append(c.portText()).append(',').append(c.protocolText()).append(',')
          .append(Long.toString(c.count())).append('\n');
    }
  }

  // RFC 4180 §2: a field holding a comma, a quote or a line break is quoted, its quotes doubled.
  private static String csvField(String text) {
    return text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
        ? "\"" + text.replace("\"", "\"\"") + "\""
        : text;
  }

  /** The report as {@link #writeTo} writes it. */
  public String text() {
    StringBuilder text = new StringBuilder();
    try {
      writeTo(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /**
   * One line on what was counted: {@code 17 records counted; 1 NODATA, 1 SKIPDATA, 2 malformed lines skipped}, with
   * {@code 3 records of another action left out; } after the first part when an action was asked for.
   */
  public String summary() {
    return lines.records() + " records counted; "
        + (lines.otherAction() > 0 ? lines.otherAction() + " records of another action left out; " : "")
        + lines.noData() + " NODATA, " + lines.skipData() + " SKIPDATA, " + lines.malformed()
        + " malformed lines skipped";
  }

  private static int absentLast(int value) {
    return value < 0 ? Integer.MAX_VALUE : value;
  }
}
