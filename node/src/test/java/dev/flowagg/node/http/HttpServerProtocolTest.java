package dev.flowagg.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowagg.node.testing.InProcessNode;
import dev.flowagg.node.testing.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests broken at the protocol level, sent over plain sockets: each is answered with the JSON error body and its
 * status, the connection is closed after it, nothing is stored, and the node goes on serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpServerProtocolTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(5);
  private static final String HOUR = "160";
  private static final String RECORD =
      "[{\"src_app\":\"a\",\"dest_app\":\"b\",\"vpc_id\":\"v\",\"bytes_tx\":1,\"bytes_rx\":2,\"hour\":" + HOUR + "}]";

  private InProcessNode node;
  private int port;

  @BeforeAll
  void start() {
    node = InProcessNode.start(Map.of("flowagg.http.request-timeout", REQUEST_TIMEOUT.toMillis() + "ms"));
    port = node.node.httpPort();
  }

  @AfterAll
  void stop() {
    node.close();
  }

  static Stream<Arguments> unparsable() {
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("a header value over 8 KiB",
        "GET /health/alive HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(9000) + "\r\n\r\n", 431,
        "HTTP header value exceeds the configured limit of 8192 characters"));
    StringBuilder many = new StringBuilder("GET /health/alive HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < 65; i++) {
      many.append("X-H").append(i).append(": v\r\n");
    }
    cases.add(Arguments.of("65 headers", many + "\r\n", 431,
        "HTTP message contains more than the configured limit of 64 headers"));
    cases.add(Arguments.of("a request target over 2 KiB",
        "GET /flows?hour=1&x=" + "a".repeat(3000) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414,
        "URI length exceeds the configured limit of 2048 characters"));
    cases.add(Arguments.of("HTTP/1.2", "GET /health/alive HTTP/1.2\r\nHost: a\r\n\r\n", 505,
        "the request line must end in HTTP/1.1 or HTTP/1.0"));
    cases.add(Arguments.of("HTTP/2.0 in an HTTP/1 request line", "GET /health/alive HTTP/2.0\r\nHost: a\r\n\r\n", 505,
        "the request line must end in HTTP/1.1 or HTTP/1.0"));
    cases.add(Arguments.of("Content-Length with Transfer-Encoding",
        post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n", 400,
        "A chunked request must not contain a Content-Length header"));
    cases.add(Arguments.of("two Content-Lengths", post("Content-Length: 2\r\nContent-Length: 3\r\n") + "[]", 400,
        "HTTP message must not contain more than one Content-Length header"));
    for (String garbage : List.of("GET\r\n\r\n", "garbage\r\n\r\n", "\r\n\r\n", "\u0016\u0003\u0001\u0000\u00c4",
        "FOO / HTTP/1.1\r\nHost: a\r\n\r\n")) {
      cases.add(Arguments.of("request line " + JSON.valueToTree(garbage), garbage, 400, "not an HTTP request line"));
    }
    return cases.stream();
  }

  private static String post(String framing) {
    return "POST /flows HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n" + framing + "\r\n";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unparsable")
  void aRequestPekkoCannotParseIsAnsweredInJsonAndTheConnectionClosed(String name, String request, int status,
      String error) throws IOException {
    try (RawHttp connection = RawHttp.connect(port)) {
      RawHttp.Response r = connection.send(request).readResponse(ANSWERED_WITHIN);

      assertJsonError(r, status, error);
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(connection.closedByServerWithin(ANSWERED_WITHIN)).isTrue();
    }
    assertTheNodeStillServesAndStoredNothing();
  }

  @Test
  void aMalformedChunkedBodyIs400() throws IOException {
    // A valid chunk holding a whole record, then a chunk size that is not hexadecimal.
    String chunks = Integer.toHexString(RECORD.length()) + "\r\n" + RECORD + "\r\nzz\r\n[]\r\n0\r\n\r\n";
    try (RawHttp connection = RawHttp.connect(port)) {
      RawHttp.Response r =
          connection.send(post("Transfer-Encoding: chunked\r\n") + chunks).readResponse(ANSWERED_WITHIN);

      assertJsonError(r, 400, "the request body is malformed (Illegal character 'z' in chunk start) after ");
      assertThat(connection.closedByServerWithin(ANSWERED_WITHIN)).isTrue();
    }
    assertTheNodeStillServesAndStoredNothing();
  }

  @Test
  void aBodyShorterThanItsContentLengthIs400WhenTheClientStopsSending() throws IOException {
    try (RawHttp connection = RawHttp.connect(port)) {
      connection.send(post("Content-Length: 200\r\n") + RECORD).closeOutput();
      RawHttp.Response r = connection.readResponse(ANSWERED_WITHIN);

      assertJsonError(r, 400, "the request body ended after " + RECORD.length() + " of the 200 bytes its"
          + " Content-Length announced: the client closed the connection; nothing was applied");
      assertThat(connection.closedByServerWithin(ANSWERED_WITHIN)).isTrue();
    }
    assertTheNodeStillServesAndStoredNothing();
  }

  @Test
  void aBodyShorterThanItsContentLengthIs400AtTheRequestTimeoutWhenTheClientWaits() throws IOException {
    try (RawHttp connection = RawHttp.connect(port)) {
      long started = System.nanoTime();
      RawHttp.Response r = connection.send(post("Content-Length: 200\r\n") + RECORD).readResponse(ANSWERED_WITHIN);
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertJsonError(r, 400, "the request body did not arrive in full within 2000 ms (" + RECORD.length()
          + " of the 200 bytes its Content-Length announced came); nothing was applied");
      assertThat(took).isBetween(REQUEST_TIMEOUT.minusMillis(100), REQUEST_TIMEOUT.plusSeconds(2));
      assertThat(connection.closedByServerWithin(ANSWERED_WITHIN)).isTrue();
    }
    assertTheNodeStillServesAndStoredNothing();
  }

  @Test
  void wellFormedRequestsKeepTheConnectionOpen() throws IOException {
    byte[] body = RECORD.replace(HOUR, "161").getBytes(StandardCharsets.UTF_8);
    try (RawHttp connection = RawHttp.connect(port)) {
      RawHttp.Response posted = connection.send(post("Content-Length: " + body.length + "\r\n")).send(body)
          .readResponse(ANSWERED_WITHIN);
      RawHttp.Response read = connection.send("GET /flows?hour=161 HTTP/1.1\r\nHost: a\r\n\r\n")
          .readResponse(ANSWERED_WITHIN);

      assertThat(posted.status()).isEqualTo(200);
      assertThat(posted.body()).isEqualTo("{\"accepted\":1}");
      assertThat(read.body()).contains("\"bytes_tx\":1,\"bytes_rx\":2,\"hour\":161");
      assertThat(posted.header("Connection")).isNull();
    }
  }

  private static void assertJsonError(RawHttp.Response r, int status, String error) throws IOException {
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    JsonNode json = JSON.readTree(r.body());
    assertThat(json.properties()).extracting(Map.Entry::getKey).containsExactly("error", "details");
    assertThat(json.get("error").asText()).contains(error);
    assertThat(json.get("details").isArray()).isTrue();
  }

  /**
   * The node answers, and the refused record was not applied, not even after its answer: a write of the same tuple
   * made now reaches the same slice after anything the refused request could have started.
   */
  private void assertTheNodeStillServesAndStoredNothing() {
    assertThat(node.http.get("/health/ready").statusCode()).isEqualTo(200);
    assertThat(node.http.postJson("/flows", RECORD.replace(HOUR, "165")).statusCode()).isEqualTo(200);
    assertThat(node.http.get("/flows?hour=" + HOUR).body()).isEqualTo("[]");
  }
}
