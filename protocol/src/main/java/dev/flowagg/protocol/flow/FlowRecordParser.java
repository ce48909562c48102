package dev.flowagg.protocol.flow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and validates the JSON body of {@code POST /flows}: an array of flow records, or a single record.
 *
 * <p>Validation is complete before anything is applied: the outcome is either every record, or every problem found
 * (up to a bound). Numbers must be JSON integers from 0 to 2^63-1; strings must be non-empty, at most
 * {@value #MAX_NAME_CODE_POINTS} characters, valid Unicode, without control characters; unknown and duplicate fields
 * are refused.
 */
public final class FlowRecordParser {

  /** The longest {@code src_app}, {@code dest_app} or {@code vpc_id}, in Unicode code points. */
  public static final int MAX_NAME_CODE_POINTS = 255;

  /** How many problems a rejection lists; the rest are only counted. */
  public static final int MAX_REPORTED_PROBLEMS = 100;

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final String NON_NEGATIVE_INTEGER = "must be a non-negative integer";

  private final int maxRecords;

  public FlowRecordParser(int maxRecords) {
    this.maxRecords = maxRecords;
  }

  /** Reads a whole body. Never throws for bad input: every problem comes back as a {@link ParseOutcome}. */
  public ParseOutcome parse(byte[] body) {
    // No JSON text holds a NUL byte, so one means UTF-16 or UTF-32, which Jackson would otherwise detect and read.
    for (int i = 0; i < body.length; i++) {
      if (body[i] == 0) {
        return reject("malformed JSON: a NUL byte at byte " + i + " (the body must be UTF-8)");
      }
    }
    try (JsonParser p = JSON.createParser(body)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return reject("request body is empty: expected a JSON array of flow records");
      }
      Collector out = new Collector();
      switch (first) {
        case START_ARRAY -> {
          int index = 0;
          for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (index == maxRecords) {
              return new ParseOutcome.TooManyRecords(maxRecords);
            }
            readRecord(p, t, index++, out);
          }
          if (index == 0) {
            return reject("the array is empty: send at least one flow record");
          }
        }
        case START_OBJECT -> readRecord(p, first, 0, out);
        default -> {
          return reject("request body must be a JSON array of flow records or a single flow record object");
        }
      }
      if (p.nextToken() != null) {
        return reject("malformed JSON: unexpected content after the end of the body");
      }
      return out.outcome();
    } catch (JsonProcessingException e) {
      return reject("malformed JSON: " + e.getOriginalMessage() + " at " + describe(e));
    } catch (IOException e) {
      return reject("unreadable body: " + e.getMessage());
    }
  }

  private static String describe(JsonProcessingException e) {
    var loc = e.getLocation();
    return loc == null ? "unknown position" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  private static ParseOutcome reject(String error) {
    return new ParseOutcome.Rejected(error, List.of(), 0);
  }

  private void readRecord(JsonParser p, JsonToken start, int index, Collector out) throws IOException {
    if (start != JsonToken.START_OBJECT) {
      out.problem(index, null, "must be a JSON object with the fields " + FlowField.NAMES);
      p.skipChildren();
      return;
    }
    String srcApp = null;
    String destApp = null;
    String vpcId = null;
    long bytesTx = -1;
    long bytesRx = -1;
    long hour = -1;
    int problemsBefore = out.total;
    int seen = 0;
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken value = p.nextToken();
      FlowField field = FlowField.byName(name);
      if (field == null) {
        out.problem(index, name, "unknown field; expected only " + FlowField.NAMES);
        p.skipChildren();
        continue;
      }
      seen |= field.bit();
      if (value == JsonToken.VALUE_NULL) {
        out.problem(index, name, "must not be null");
        continue;
      }
      switch (field) {
        case SRC_APP -> srcApp = readName(p, value, index, name, out);
        case DEST_APP -> destApp = readName(p, value, index, name, out);
        case VPC_ID -> vpcId = readName(p, value, index, name, out);
        case BYTES_TX -> bytesTx = readCount(p, value, index, name, out);
        case BYTES_RX -> bytesRx = readCount(p, value, index, name, out);
        case HOUR -> hour = readCount(p, value, index, name, out);
      }
    }
    for (FlowField f : FlowField.values()) {
      if ((seen & f.bit()) == 0) {
        out.problem(index, f.wireName, "is required");
      }
    }
    if (out.total == problemsBefore) {
      out.records.add(new FlowRecord(srcApp, destApp, vpcId, bytesTx, bytesRx, hour));
    }
  }

  private static String readName(JsonParser p, JsonToken value, int index, String field, Collector out)
      throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      out.problem(index, field, "must be a string");
      p.skipChildren();
      return null;
    }
    String s = p.getText();
    String problem = nameProblem(s);
    if (problem != null) {
      out.problem(index, field, problem);
      return null;
    }
    return s;
  }

  /** Why a name is unacceptable, or null when it is fine. */
  static String nameProblem(String s) {
    if (s.isEmpty()) {
      return "must not be empty";
    }
    int codePoints = 0;
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i += 2;
      } else if (Character.isSurrogate(c)) {
        return "must be valid Unicode (it contains an unpaired surrogate)";
      } else {
        if (Character.isISOControl(c)) {
          return "must not contain control characters";
        }
        i++;
      }
      codePoints++;
    }
    if (codePoints > MAX_NAME_CODE_POINTS) {
      return "must be at most " + MAX_NAME_CODE_POINTS + " characters long";
    }
    return null;
  }

  private static long readCount(JsonParser p, JsonToken value, int index, String field, Collector out)
      throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      out.problem(index, field, NON_NEGATIVE_INTEGER);
      p.skipChildren();
      return -1;
    }
    // JSON already refuses leading zeros and '+'; parseCount also refuses "-0", so a body and a query agree.
    String text = p.getText();
    long v = parseCount(text);
    if (v < 0) {
      out.problem(
          index,
          field,
          text.startsWith("-") ? NON_NEGATIVE_INTEGER : "must not exceed 9223372036854775807 (2^63-1)");
    }
    return v;
  }

  /**
   * The one way {@code bytes_tx}, {@code bytes_rx} and {@code hour} are written, in a JSON body and in a query
   * ({@code GET /flows?hour=N}) alike: decimal digits, no sign, no leading zeros, 0 to 2^63-1.
   *
   * @return the value, or -1 when the text is not written that way
   */
  public static long parseCount(String text) {
    int n = text.length();
    if (n == 0 || n > 19 || n > 1 && text.charAt(0) == '0') {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
      if (v < 0) {
        return -1;
      }
    }
    return v;
  }

  /** Records and problems gathered while reading one body. */
  private static final class Collector {
    final List<FlowRecord> records = new ArrayList<>();
    final List<Problem> problems = new ArrayList<>();
    int total;

    void problem(int index, String field, String problem) {
      total++;
      if (problems.size() < MAX_REPORTED_PROBLEMS) {
        problems.add(new Problem(index, field, problem));
      }
    }

    ParseOutcome outcome() {
      if (total == 0) {
        return new ParseOutcome.Accepted(List.copyOf(records));
      }
      String error =
          total == 1
              ? "1 problem in the flow records; nothing was applied"
              : total + " problems in the flow records; nothing was applied";
      return new ParseOutcome.Rejected(error, List.copyOf(problems), total);
    }
  }
}
