package dev.flowagg.protocol.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FlowRecordParserTest {

  private final FlowRecordParser parser = new FlowRecordParser(10);

  private ParseOutcome parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String record(String field, String jsonValue) {
    StringBuilder sb = new StringBuilder("{");
    String[][] fields = {
      {"src_app", "\"foo\""}, {"dest_app", "\"bar\""}, {"vpc_id", "\"vpc-0\""},
      {"bytes_tx", "100"}, {"bytes_rx", "500"}, {"hour", "91"}
    };
    for (String[] f : fields) {
      String v = f[0].equals(field) ? jsonValue : f[1];
      if (v == null) {
        continue;
      }
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('"').append(f[0]).append("\":").append(v);
    }
    return sb.append('}').toString();
  }

  private static ParseOutcome.Rejected rejected(ParseOutcome o) {
    assertThat(o).isInstanceOf(ParseOutcome.Rejected.class);
    return (ParseOutcome.Rejected) o;
  }

  @Test
  void readsTheSeedExample() {
    ParseOutcome o =
        parse(
            """
            [
            {"src_app": "foo", "dest_app": "bar", "vpc_id": "vpc-0", "bytes_tx": 100, "bytes_rx": 500, "hour": 91},
            {"src_app": "baz", "dest_app": "qux", "vpc_id": "vpc-1", "bytes_tx": 0, "bytes_rx": 9223372036854775807, "hour": 92}
            ]""");
    assertThat(o)
        .isEqualTo(
            new ParseOutcome.Accepted(
                java.util.List.of(
                    new FlowRecord("foo", "bar", "vpc-0", 100, 500, 91),
                    new FlowRecord("baz", "qux", "vpc-1", 0, Long.MAX_VALUE, 92))));
  }

  @Test
  void acceptsASingleObject() {
    assertThat(parse(record("none", null)))
        .isEqualTo(new ParseOutcome.Accepted(java.util.List.of(new FlowRecord("foo", "bar", "vpc-0", 100, 500, 91))));
  }

  @Test
  void unicodeNamesRoundTripExactly() {
    ParseOutcome o = parse(record("src_app", "\"caf\u00e9-\u6f22\u5b57-\ud83d\ude80\""));
    assertThat(((ParseOutcome.Accepted) o).records().getFirst().srcApp()).isEqualTo("caf\u00e9-\u6f22\u5b57-\ud83d\ude80");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "[", "{\"src_app\":", "not json", "[1,]", "[] []", "{\"a\":1}}"})
  void malformedBodiesAreRejected(String body) {
    assertThat(rejected(parse(body)).error()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(strings = {"42", "\"text\"", "true", "null"})
  void aBodyThatIsNeitherArrayNorObjectIsRejected(String body) {
    assertThat(rejected(parse(body)).error()).contains("JSON array");
  }

  @Test
  void anEmptyArrayIsRejected() {
    assertThat(rejected(parse("[]")).error()).contains("empty");
  }

  @Test
  void anArrayElementThatIsNotAnObjectIsNamedByIndex() {
    var r = rejected(parse("[" + record("x", null) + ", 7]"));
    assertThat(r.details()).singleElement().satisfies(p -> assertThat(p.index()).isEqualTo(1));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "bytes_tx|\"12\"|must be a non-negative integer",
        "bytes_tx|1.5|must be a non-negative integer",
        "bytes_tx|1.0|must be a non-negative integer",
        "bytes_tx|1e3|must be a non-negative integer",
        "bytes_rx|true|must be a non-negative integer",
        "bytes_rx|-1|must be a non-negative integer",
        "hour|-5|must be a non-negative integer",
        "hour|-0|must be a non-negative integer",
        "hour|[1]|must be a non-negative integer",
        "bytes_tx|9223372036854775808|must not exceed 9223372036854775807 (2^63-1)",
        "bytes_rx|123456789012345678901234567890|must not exceed 9223372036854775807 (2^63-1)",
        "bytes_rx|-123456789012345678901234567890|must be a non-negative integer",
        "src_app|null|must not be null",
        "dest_app|7|must be a string",
        "vpc_id|{}|must be a string",
        "src_app|\"\"|must not be empty",
        "src_app|\"a\\u0000b\"|must not contain control characters",
        "dest_app|\"tab\\there\"|must not contain control characters",
        "vpc_id|\"\\u0085\"|must not contain control characters",
        "vpc_id|\"\\ud800\"|must be valid Unicode (it contains an unpaired surrogate)",
      })
  void eachBadFieldIsNamedWithItsProblem(String field, String value, String problem) {
    var r = rejected(parse("[" + record(field, value) + "]"));
    assertThat(r.details()).containsExactly(new Problem(0, field, problem));
    assertThat(r.error()).contains("nothing was applied");
  }

  @ParameterizedTest
  @ValueSource(strings = {"src_app", "dest_app", "vpc_id", "bytes_tx", "bytes_rx", "hour"})
  void aMissingFieldIsNamed(String field) {
    var r = rejected(parse(record(field, null)));
    assertThat(r.details()).containsExactly(new Problem(0, field, "is required"));
  }

  @Test
  void anUnknownFieldIsNamed() {
    var r = rejected(parse(record("x", null).replace("}", ",\"bytes\":5}")));
    assertThat(r.details()).containsExactly(new Problem(0, "bytes", "unknown field; expected only " + FlowField.NAMES));
  }

  @Test
  void aDuplicateFieldIsRejected() {
    var r = rejected(parse(record("x", null).replace("}", ",\"hour\":5}")));
    assertThat(r.error()).contains("Duplicate field 'hour'");
  }

  @Test
  void namesUpTo255CharactersAreFineAndLongerAreNot() {
    String ok = "x".repeat(254) + "\ud83d\ude80"; // 255 code points, 256 UTF-16 units
    assertThat(parse(record("src_app", "\"" + ok + "\""))).isInstanceOf(ParseOutcome.Accepted.class);
    var r = rejected(parse(record("src_app", "\"" + "x".repeat(256) + "\"")));
    assertThat(r.details()).containsExactly(new Problem(0, "src_app", "must be at most 255 characters long"));
  }

  @Test
  void oneBadRecordRejectsTheWholeRequestAndEveryProblemIsListed() {
    var r = rejected(parse("[" + record("x", null) + "," + record("hour", "-1") + "," + record("bytes_tx", "\"1\"") + "]"));
    assertThat(r.details())
        .containsExactly(
            new Problem(1, "hour", "must be a non-negative integer"),
            new Problem(2, "bytes_tx", "must be a non-negative integer"));
  }

  @Test
  void moreRecordsThanTheLimitAreRefusedBeforeReadingThemAll() {
    String body = "[" + String.join(",", java.util.Collections.nCopies(11, record("x", null))) + ",garbage";
    assertThat(parse(body)).isEqualTo(new ParseOutcome.TooManyRecords(10));
  }

  @Test
  void problemsListedAreBoundedButAllAreCounted() {
    FlowRecordParser big = new FlowRecordParser(1000);
    String body = "[" + String.join(",", java.util.Collections.nCopies(500, record("hour", "-1"))) + "]";
    var r = rejected(big.parse(body.getBytes(StandardCharsets.UTF_8)));
    assertThat(r.details()).hasSize(FlowRecordParser.MAX_REPORTED_PROBLEMS);
    assertThat(r.totalProblems()).isEqualTo(500);
  }

  @Test
  void invalidUtf8IsMalformed() {
    byte[] body = "[{\"src_app\":\"\u00ff\"}]".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(rejected(parser.parse(body)).error()).startsWith("malformed JSON");
  }

  @Test
  void utf16JsonIsRefusedThoughJacksonCouldReadIt() {
    byte[] body = ("[" + record("x", null) + "]").getBytes(StandardCharsets.UTF_16LE);
    assertThat(rejected(parser.parse(body)).error())
        .isEqualTo("malformed JSON: a NUL byte at byte 1 (the body must be UTF-8)");
  }

  @ParameterizedTest
  @CsvSource({"0,0", "7,7", "91,91", "9223372036854775807,9223372036854775807"})
  void countsAreDecimalDigits(String text, long value) {
    assertThat(FlowRecordParser.parseCount(text)).isEqualTo(value);
  }

  @ParameterizedTest
  // The last is ARABIC-INDIC DIGIT ONE, a digit to Character.isDigit.
  @ValueSource(strings = {"", "00", "00012", "012", "+1", "-1", "-0", " 1", "1 ", "1.0", "1e2", "0x10",
      "9223372036854775808", "99999999999999999999", "\u0661"})
  void countsWithSignsLeadingZerosOrOtherFormsAreRefused(String text) {
    assertThat(FlowRecordParser.parseCount(text)).isEqualTo(-1);
  }
}
