package dev.flowagg.protocol.vpclog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Tags for (destination port, protocol) pairs, from a {@code dstport,protocol,tag} CSV file.
 *
 * <p>Tags match case-insensitively: {@code sv_P1} and {@code SV_p1} are one tag, printed as first written. A lookup
 * is two array reads: one array of 65 536 tag slots for each protocol the table mentions. Immutable once built.
 */
public final class LookupTable {

  /** The report's name for records no row matches; no row may use it as a tag. */
  public static final String UNTAGGED = "Untagged";

  private static final LookupTable EMPTY = builder().build();

  // tagSlots[protocol][port] is 1 + the tag's index, or 0 for no tag; null for protocols the table never mentions.
  private final char[][] tagSlots;
  private final List<String> tags;
  private final int rows;

  private LookupTable(char[][] tagSlots, List<String> tags, int rows) {
    this.tagSlots = tagSlots;
    this.tags = List.copyOf(tags);
    this.rows = rows;
  }

  public static LookupTable empty() {
    return EMPTY;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Reads a table in the CSV format of {@link LookupTableParser}; throws {@link LookupTableException} when wrong. */
  public static LookupTable read(BufferedReader csv) throws IOException {
    return LookupTableParser.parse(csv);
  }

  /** Reads a table from a UTF-8 CSV file. */
  public static LookupTable load(Path file) throws IOException {
    try (BufferedReader csv = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(csv);
    }
  }

  /** Reads a table from CSV text. */
  public static LookupTable parse(String csv) {
    try {
      return read(new BufferedReader(new StringReader(csv)));
    } catch (IOException e) {
      throw new IllegalStateException("reading a string cannot fail", e);
    }
  }

  /** The tag of {@code port}/{@code protocol}, as first written in the table. */
  public Optional<String> tagFor(int port, int protocol) {
    int index = tagIndexOf(port, protocol);
    return index < 0 ? Optional.empty() : Optional.of(tags.get(index));
  }

  /** The index into {@link #tags()} of the tag of {@code port}/{@code protocol}, or -1; allocates nothing. */
  public int tagIndexOf(int port, int protocol) {
    if ((protocol & ~0xFF) != 0 || (port & ~0xFFFF) != 0) {
      return -1;
    }
    char[] slots = tagSlots[protocol];
    return slots == null ? -1 : slots[port] - 1;
  }

  /** The distinct tags, each as first written, in order of first appearance. */
  public List<String> tags() {
    return tags;
  }

  /** How many distinct port/protocol pairs carry a tag. */
  public int size() {
    return rows;
  }

  /** Collects rows; a pair tagged twice must carry the same tag (ignoring case) both times. */
  public static final class Builder {
    private final char[][] tagSlots = new char[256][];
    private final List<String> tags = new ArrayList<>();
    private final Map<String, Integer> tagIndexByKey = new HashMap<>();
    private int rows;

    private Builder() {}

    /**
     * Tags {@code port}/{@code protocol}; false when the same tag was already there.
     *
     * @throws IllegalArgumentException when the pair already carries a different tag, or the tag is unusable
     */
    public boolean add(int port, int protocol, String tag) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("dstport " + port + " is outside 0..65535");
      }
      if (protocol < 0 || protocol > 255) {
        throw new IllegalArgumentException("protocol " + protocol + " is outside 0..255");
      }
      if (tag.isBlank()) {
        throw new IllegalArgumentException("the tag is empty");
      }
      if (tag.equalsIgnoreCase(UNTAGGED)) {
        throw new IllegalArgumentException("tag '" + tag + "' is reserved for records that no row matches");
      }
      String key = tag.toLowerCase(Locale.ROOT);
      char[] slots = tagSlots[protocol];
      if (slots == null) {
        slots = tagSlots[protocol] = new char[65536];
      }
      int existing = slots[port] - 1;
      if (existing >= 0) {
        String earlier = tags.get(existing);
        if (earlier.toLowerCase(Locale.ROOT).equals(key)) {
          return false;
        }
        throw new IllegalArgumentException(port + "," + ProtocolNumbers.keyword(protocol) + " is already tagged '"
            + earlier + "', not '" + tag + "'");
      }
      Integer index = tagIndexByKey.get(key);
      if (index == null) {
        if (tags.size() == Character.MAX_VALUE - 1) {
          throw new IllegalArgumentException("more than " + (Character.MAX_VALUE - 1) + " distinct tags");
        }
        index = tags.size();
        tags.add(tag);
        tagIndexByKey.put(key, index);
      }
      slots[port] = (char) (index + 1);
      rows++;
      return true;
    }

    /** The tag already given to {@code port}/{@code protocol}, as first written. */
    public Optional<String> tagFor(int port, int protocol) {
      char[] slots = protocol >= 0 && protocol < 256 ? tagSlots[protocol] : null;
      return slots == null || port < 0 || port > 65535 || slots[port] == 0
          ? Optional.empty()
          : Optional.of(tags.get(slots[port] - 1));
    }

    public LookupTable build() {
      char[][] copy = new char[256][];
      for (int protocol = 0; protocol < 256; protocol++) {
        copy[protocol] = tagSlots[protocol] == null ? null : tagSlots[protocol].clone();
      }
      return new LookupTable(copy, tags, rows);
    }
  }
}
