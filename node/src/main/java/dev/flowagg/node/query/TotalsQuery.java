package dev.flowagg.node.query;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One question for {@code GET /totals}: a half-open range of hours, how to bucket it, which tuples, how to group
 * them, and in what order and form the rows come back. {@link #parse} turns query parameters into one, or names
 * every problem.
 */
public record TotalsQuery(
    long fromHour,
    long toHour,
    Bucket bucket,
    Set<Dimension> groupBy,
    Filter filter,
    int top,
    Order order,
    Format format,
    int limit,
    String cursor) {

  /** The largest {@code top}; the rest of the groups are summed into one "other" row. */
  public static final int MAX_TOP = 1000;

  public static final int DEFAULT_JSON_LIMIT = 10_000;
  public static final int MAX_JSON_LIMIT = 100_000;

  /** How the range is cut into rows. */
  public enum Bucket {
    HOUR, DAY, NONE;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A name of a flow tuple. */
  public enum Dimension {
    SRC_APP, DEST_APP, VPC_ID;

    public String field() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Rows in name order, or by a byte count, largest first. */
  public enum Order {
    NAMES, BYTES, BYTES_TX, BYTES_RX;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How the rows are written. */
  public enum Format {
    JSON("application/json"), NDJSON("application/x-ndjson"), CSV("text/csv");

    public final String mediaType;

    Format(String mediaType) {
      this.mediaType = mediaType;
    }
  }

  /**
   * Which tuples count: for each dimension, a tuple's name must equal one of the values or start with one of the
   * prefixes (either list may be empty; both empty: any name). Dimensions combine with AND.
   */
  public record Filter(Map<Dimension, List<String>> exact, Map<Dimension, List<String>> prefixes) {

    public static final Filter NONE = new Filter(Map.of(), Map.of());

    public boolean isEmpty() {
      return exact.isEmpty() && prefixes.isEmpty();
    }

    public boolean matches(Dimension d, String name) {
      List<String> values = exact.get(d);
      List<String> starts = prefixes.get(d);
      if (values == null && starts == null) {
        return true;
      }
      if (values != null && values.contains(name)) {
        return true;
      }
      if (starts != null) {
        for (String p : starts) {
          if (name.startsWith(p)) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /** A problem with one parameter. */
  public record Problem(String parameter, String problem) {}

  /** A query, or the problems that stop it. */
  public sealed interface Parsed {}

  public record Valid(TotalsQuery query) implements Parsed {}

  public record Invalid(List<Problem> problems) implements Parsed {}

  private static final Set<String> KNOWN = Set.of(
      "from", "to", "bucket", "group_by", "top", "order_by", "format", "limit", "cursor",
      "src_app", "dest_app", "vpc_id", "src_app_prefix", "dest_app_prefix", "vpc_id_prefix");

  /**
   * Reads the parameters (each with all its values, as given); {@code accept} picks the format when no
   * {@code format} parameter does; {@code nowMillis} is the default end of the range.
   */
  public static Parsed parse(Map<String, List<String>> params, String accept, long nowMillis) {
    List<Problem> problems = new ArrayList<>();
    params.keySet().stream().filter(k -> !KNOWN.contains(k)).sorted().forEach(k -> problems.add(
        new Problem(k, "unknown parameter; known: bucket, cursor, dest_app, dest_app_prefix, format, from, group_by, "
            + "limit, order_by, src_app, src_app_prefix, to, top, vpc_id, vpc_id_prefix")));
    for (String single : List.of("from", "to", "bucket", "group_by", "top", "order_by", "format", "limit", "cursor")) {
      if (params.getOrDefault(single, List.of()).size() > 1) {
        problems.add(new Problem(single, "must be given at most once"));
      }
    }
    long nowHour = Math.floorDiv(nowMillis, 3_600_000L);
    Long from = null;
    if (!params.containsKey("from")) {
      problems.add(new Problem("from", "is required: an hour number (hours since 1970-01-01T00:00Z) or an ISO-8601 "
          + "time such as 2026-12-05T10:00:00Z or 2026-12-05"));
    } else {
      from = time(first(params, "from"), false, "from", problems);
    }
    Long to = params.containsKey("to") ? time(first(params, "to"), true, "to", problems) : Long.valueOf(nowHour + 1);
    if (from != null && to != null && to <= from) {
      problems.add(new Problem("to", "must be after from (the range is half-open: [from, to))"));
    }
    Bucket bucket = choice(params, "bucket", Bucket.class, Bucket.NONE, problems);
    Set<Dimension> groupBy = EnumSet.allOf(Dimension.class);
    if (params.containsKey("group_by")) {
      groupBy = EnumSet.noneOf(Dimension.class);
      for (String part : first(params, "group_by").split(",", -1)) {
        String p = part.strip();
        if (p.isEmpty()) {
          continue;
        }
        Dimension d = dimension(p);
        if (d == null) {
          problems.add(new Problem("group_by", "'" + p + "' is not src_app, dest_app or vpc_id"));
        } else {
          groupBy.add(d);
        }
      }
    }
    Map<Dimension, List<String>> exact = new LinkedHashMap<>();
    Map<Dimension, List<String>> prefixes = new LinkedHashMap<>();
    for (Dimension d : Dimension.values()) {
      List<String> values = params.get(d.field());
      if (values != null) {
        exact.put(d, List.copyOf(values));
      }
      List<String> starts = params.get(d.field() + "_prefix");
      if (starts != null) {
        if (starts.stream().anyMatch(String::isEmpty)) {
          problems.add(new Problem(d.field() + "_prefix", "must not be empty"));
        }
        prefixes.put(d, List.copyOf(starts));
      }
    }
    int top = 0;
    if (params.containsKey("top")) {
      top = number(first(params, "top"), "top", 1, MAX_TOP, problems);
    }
    Order order = top > 0 ? Order.BYTES : Order.NAMES;
    if (params.containsKey("order_by")) {
      String o = first(params, "order_by");
      switch (o) {
        case "bytes" -> order = Order.BYTES;
        case "bytes_tx" -> order = Order.BYTES_TX;
        case "bytes_rx" -> order = Order.BYTES_RX;
        case "names" -> order = Order.NAMES;
        default -> problems.add(new Problem("order_by", "'" + o + "' is not bytes, bytes_tx, bytes_rx or names"));
      }
      if (top > 0 && order == Order.NAMES) {
        problems.add(new Problem("order_by", "top needs a byte order: bytes, bytes_tx or bytes_rx"));
      }
    }
    Format format = formatOf(accept);
    if (params.containsKey("format")) {
      format = choice(params, "format", Format.class, Format.JSON, problems);
    }
    int limit = format == Format.JSON ? DEFAULT_JSON_LIMIT : Integer.MAX_VALUE;
    if (params.containsKey("limit")) {
      limit = number(first(params, "limit"), "limit", 1, format == Format.JSON ? MAX_JSON_LIMIT : Integer.MAX_VALUE,
          problems);
    }
    String cursor = params.containsKey("cursor") ? first(params, "cursor") : null;
    if (!problems.isEmpty()) {
      return new Invalid(problems);
    }
    return new Valid(new TotalsQuery(from, to, bucket, groupBy, new Filter(exact, prefixes), top, order, format,
        limit, cursor));
  }

  /** The format an Accept header asks for (JSON when it names none of ours). */
  static Format formatOf(String accept) {
    if (accept == null) {
      return Format.JSON;
    }
    for (String part : accept.split(",")) {
      String type = part.split(";")[0].strip().toLowerCase(Locale.ROOT);
      for (Format f : Format.values()) {
        if (f.mediaType.equals(type)) {
          return f;
        }
      }
    }
    return Format.JSON;
  }

  private static String first(Map<String, List<String>> params, String name) {
    return params.get(name).getFirst();
  }

  private static Dimension dimension(String field) {
    for (Dimension d : Dimension.values()) {
      if (d.field().equals(field)) {
        return d;
      }
    }
    return null;
  }

  private static <E extends Enum<E>> E choice(
      Map<String, List<String>> params, String name, Class<E> type, E otherwise, List<Problem> problems) {
    if (!params.containsKey(name)) {
      return otherwise;
    }
    String value = first(params, name);
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(Locale.ROOT));
    }
    problems.add(new Problem(name, "'" + value + "' is not one of " + String.join(", ", names)));
    return otherwise;
  }

  private static int number(String text, String name, int min, int max, List<Problem> problems) {
    try {
      int n = Integer.parseInt(text);
      if (n >= min && n <= max && text.equals(Integer.toString(n))) {
        return n;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    problems.add(new Problem(name, "'" + text + "' is not an integer from " + min + " to " + max));
    return min;
  }

  /**
   * An hour from an hour number or an ISO-8601 time; a time inside an hour counts the whole hour ({@code from} is
   * rounded down, {@code to} up), so the range covers every hour it touches.
   */
  static Long time(String text, boolean roundUp, String name, List<Problem> problems) {
    if (!text.isEmpty() && text.length() <= 12 && text.chars().allMatch(c -> c >= '0' && c <= '9')
        && (text.length() == 1 || text.charAt(0) != '0')) {
      return Long.parseLong(text);
    }
    Instant instant = null;
    try {
      instant = OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException notADateTime) {
      try {
        instant = Instant.parse(text);
      } catch (DateTimeParseException notAnInstant) {
        try {
          instant = LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notADate) {
          problems.add(new Problem(name, "'" + text + "' is neither an hour number (no leading zeros) nor an "
              + "ISO-8601 time such as 2026-12-05T10:00:00Z or 2026-12-05"));
          return null;
        }
      }
    }
    long millis = instant.toEpochMilli();
    long hour = Math.floorDiv(millis, 3_600_000L);
    return roundUp && Math.floorMod(millis, 3_600_000L) != 0 ? hour + 1 : hour;
  }

  /** The hour {@code h} as an ISO-8601 time. */
  public static String iso(long hour) {
    return Instant.ofEpochMilli(hour * 3_600_000L).toString();
  }
}
