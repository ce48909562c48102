package dev.flowagg.protocol.vpclog;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads the lookup table CSV: a header row naming the columns {@code dstport}, {@code protocol} and {@code tag} (in
 * any order and letter case), then one row per port/protocol pair.
 *
 * <pre>
 * dstport,protocol,tag
 * 25,tcp,sv_P1
 * 443,TCP,sv_P2
 * 0,1,ping
 * </pre>
 *
 * <p>The protocol is an IANA keyword in any letter case, or its number. Cells are trimmed; blank lines are skipped. A row that is wrong, or that tags a pair already tagged with a
 * different tag, is an error naming its line; a row repeating an earlier one is harmless.
 */
public final class LookupTableParser {

  private static final List<String> COLUMNS = List.of("dstport", "protocol", "tag");

  private LookupTableParser() {}

  /** The table in {@code csv}; throws {@link LookupTableException} naming the first line that is wrong. */
  public static LookupTable parse(BufferedReader csv) throws IOException {
    LookupTable.Builder table = LookupTable.builder();
    // Line of each pair's first row, to name it when a later row contradicts it.
    Map<Integer, Long> firstLines = new HashMap<>();
    int[] columnOf = null;
    long lineNumber = 0;
    for (String line = csv.readLine(); line != null; line = csv.readLine()) {
      lineNumber++;
      if (lineNumber == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (columnOf == null) {
        columnOf = headerColumns(cells, lineNumber);
        continue;
      }
      if (cells.length != COLUMNS.size()) {
        throw new LookupTableException(lineNumber,
            "expected 3 cells (" + String.join(",", COLUMNS) + "), found " + cells.length + ": '" + line + "'");
      }
      int port = port(cells[columnOf[0]].strip(), lineNumber);
      int protocol = protocol(cells[columnOf[1]].strip(), lineNumber);
      String tag = cells[columnOf[2]].strip();
      int pair = port << 8 | protocol;
      Optional<String> earlier = table.tagFor(port, protocol);
      if (earlier.isPresent() && !earlier.get().equalsIgnoreCase(tag)) {
        throw new LookupTableException(lineNumber, port + "," + ProtocolNumbers.keyword(protocol)
            + " is already tagged '" + earlier.get() + "' (line " + firstLines.get(pair) + "), not '" + tag + "'");
      }
      try {
        if (table.add(port, protocol, tag)) {
          firstLines.put(pair, lineNumber);
        }
      } catch (IllegalArgumentException e) {
        throw new LookupTableException(lineNumber, e.getMessage());
      }
    }
    if (columnOf == null) {
      throw new LookupTableException(Math.max(lineNumber, 1), "no header row; expected " + String.join(",", COLUMNS));
    }
    return table.build();
  }

  /** Where each of dstport, protocol and tag sits in the header row. */
  private static int[] headerColumns(String[] cells, long lineNumber) {
    int[] columnOf = {-1, -1, -1};
    for (int i = 0; i < cells.length; i++) {
      int which = COLUMNS.indexOf(cells[i].strip().toLowerCase(Locale.ROOT));
      if (which < 0 || columnOf[which] >= 0 || cells.length != COLUMNS.size()) {
        throw new LookupTableException(lineNumber,
            "expected the header row " + String.join(",", COLUMNS) + ", found '" + String.join(",", cells) + "'");
      }
      columnOf[which] = i;
    }
    return columnOf;
  }

  private static int port(String cell, long lineNumber) {
    if (cell.isEmpty() || cell.length() > 5 || !cell.chars().allMatch(c -> c >= '0' && c <= '9')
        || Integer.parseInt(cell) > 65535) {
      throw new LookupTableException(lineNumber, "dstport '" + cell + "' is not a port number 0..65535");
    }
    return Integer.parseInt(cell);
  }

  private static int protocol(String cell, long lineNumber) {
    OptionalInt number = ProtocolNumbers.parse(cell);
    if (number.isEmpty()) {
      throw new LookupTableException(
          lineNumber, "protocol '" + cell + "' is not an IANA protocol keyword or a number 0..255");
    }
    return number.getAsInt();
  }
}
