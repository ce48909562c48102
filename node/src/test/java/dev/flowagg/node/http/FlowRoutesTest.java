package dev.flowagg.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.testing.HttpApi;
import dev.flowagg.node.testing.InProcessNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowRoutesTest {

  private static final String SEED =
      """
      [
      {"src_app": "foo", "dest_app": "bar", "vpc_id": "vpc-0", "bytes_tx": 100, "bytes_rx": 500, "hour": 91},
      {"src_app": "foo", "dest_app": "bar", "vpc_id": "vpc-0", "bytes_tx": 200, "bytes_rx": 1000, "hour": 91},
      {"src_app": "baz", "dest_app": "qux", "vpc_id": "vpc-0", "bytes_tx": 100, "bytes_rx": 500, "hour": 91},
      {"src_app": "baz", "dest_app": "qux", "vpc_id": "vpc-0", "bytes_tx": 100, "bytes_rx": 500, "hour": 92},
      {"src_app": "baz", "dest_app": "qux", "vpc_id": "vpc-1", "bytes_tx": 100, "bytes_rx": 500, "hour": 92}
      ]""";

  private InProcessNode node;
  private HttpApi http;

  @BeforeAll
  void start() {
    node = InProcessNode.start(Map.of("flowagg.http.max-body-bytes", 4096, "flowagg.http.max-records-per-request", 20));
    http = node.http;
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private static String record(String src, long tx, long rx, long hour) {
    return "{\"src_app\":\"" + src + "\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":" + tx + ",\"bytes_rx\":" + rx
        + ",\"hour\":" + hour + "}";
  }

  @Test
  void theSeedExampleAggregatesPerTupleAndHour() {
    HttpResponse<String> post = http.postJson("/flows", SEED);
    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(post.body()).isEqualTo("{\"accepted\":5}");

    assertThat(http.get("/flows?hour=91").body())
        .isEqualTo(
            "[{\"src_app\":\"baz\",\"dest_app\":\"qux\",\"vpc_id\":\"vpc-0\",\"bytes_tx\":100,\"bytes_rx\":500,\"hour\":91},"
                + "{\"src_app\":\"foo\",\"dest_app\":\"bar\",\"vpc_id\":\"vpc-0\",\"bytes_tx\":300,\"bytes_rx\":1500,\"hour\":91}]");
    assertThat(http.get("/flows?hour=92").body())
        .isEqualTo(
            "[{\"src_app\":\"baz\",\"dest_app\":\"qux\",\"vpc_id\":\"vpc-0\",\"bytes_tx\":100,\"bytes_rx\":500,\"hour\":92},"
                + "{\"src_app\":\"baz\",\"dest_app\":\"qux\",\"vpc_id\":\"vpc-1\",\"bytes_tx\":100,\"bytes_rx\":500,\"hour\":92}]");
    HttpResponse<String> empty = http.get("/flows?hour=93");
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(empty.body()).isEqualTo("[]");
    assertThat(empty.headers().firstValue("Content-Type")).contains("application/json");
  }

  @Test
  void aGetAfterAPostSeesIt() {
    for (int i = 1; i <= 20; i++) {
      assertThat(http.postJson("/flows", record("ryw", 1, 2, 500)).statusCode()).isEqualTo(200);
      assertThat(http.get("/flows?hour=500").body()).contains("\"bytes_tx\":" + i + ",\"bytes_rx\":" + 2 * i);
    }
  }

  @Test
  void aSingleObjectIsAccepted() {
    assertThat(http.postJson("/flows", record("single", 4, 5, 600)).body()).isEqualTo("{\"accepted\":1}");
    assertThat(http.get("/flows?hour=600").body()).contains("\"src_app\":\"single\"");
  }

  @Test
  void unicodeNamesRoundTripExactlyAndSortByCodePoint() {
    String body = "[" + record("\u00e9t\u00e9", 1, 1, 700) + "," + record("zulu", 1, 1, 700) + ","
        + record("\ud83d\ude80 rocket|pipe", 1, 1, 700) + "," + record("Alpha", 1, 1, 700) + "]";
    assertThat(http.postJson("/flows", body).statusCode()).isEqualTo(200);
    String got = http.get("/flows?hour=700").body();
    assertThat(got.indexOf("Alpha")).isLessThan(got.indexOf("zulu"));
    assertThat(got.indexOf("zulu")).isLessThan(got.indexOf("\u00e9t\u00e9"));
    assertThat(got.indexOf("\u00e9t\u00e9")).isLessThan(got.indexOf("\ud83d\ude80 rocket|pipe"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "42",
        "[]",
        "[{\"src_app\":\"a\"}]",
        "[{\"src_app\":null,\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":1,\"bytes_rx\":1,\"hour\":800}]",
        "[{\"src_app\":\"a\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":\"12\",\"bytes_rx\":1,\"hour\":800}]",
        "[{\"src_app\":\"a\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":1.5,\"bytes_rx\":1,\"hour\":800}]",
        "[{\"src_app\":\"a\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":true,\"bytes_rx\":1,\"hour\":800}]",
        "[{\"src_app\":\"a\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":-1,\"bytes_rx\":1,\"hour\":800}]",
        "[{\"src_app\":\"a\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":9223372036854775808,\"bytes_rx\":1,\"hour\":800}]",
        "[{\"src_app\":\"a\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":1,\"bytes_rx\":1,\"hour\":800,\"extra\":1}]",
        "[{\"src_app\":\"\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":1,\"bytes_rx\":1,\"hour\":800}]",
        "[{\"src_app\":\"a\\u0007\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":1,\"bytes_rx\":1,\"hour\":800}]",
      })
  void badBodiesAre400WithAJsonErrorAndChangeNothing(String bad) {
    // A valid record first in the same request: it must not be applied either.
    String body = bad.startsWith("[{") ? "[" + record("good", 1, 1, 800) + "," + bad.substring(1) : bad;
    HttpResponse<String> r = http.postJson("/flows", body);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.body()).startsWith("{\"error\":\"");
    assertThat(http.get("/flows?hour=800").body()).isEqualTo("[]");
  }

  @Test
  void aBadFieldIsNamedWithItsIndexInTheDetails() {
    String body = "[" + record("a", 1, 1, 801) + ",{\"src_app\":\"a\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":-3,\"bytes_rx\":1,\"hour\":801}]";
    assertThat(http.postJson("/flows", body).body())
        .isEqualTo(
            "{\"error\":\"1 problem in the flow records; nothing was applied\",\"details\":"
                + "[{\"index\":1,\"field\":\"bytes_tx\",\"problem\":\"must be a non-negative integer\"}]}");
  }

  @Test
  void aLongNameIs400() {
    HttpResponse<String> r = http.postJson("/flows", record("x".repeat(256), 1, 1, 802));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"field\":\"src_app\"").contains("at most 255");
  }

  @Test
  void theWrongContentTypeIs415() {
    HttpResponse<String> r = http.post("/flows", "text/plain", record("ct", 1, 1, 803));
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(r.body()).contains("application/json");
    assertThat(http.get("/flows?hour=803").body()).isEqualTo("[]");
  }

  @Test
  void aBodyOverTheLimitIs413() {
    String big = "[" + record("big", 1, 1, 804) + " ".repeat(5000) + "]";
    HttpResponse<String> r = http.postJson("/flows", big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("4096 bytes");
    assertThat(http.get("/flows?hour=804").body()).isEqualTo("[]");
  }

  @Test
  void aChunkedBodyOverTheLimitIs413() {
    byte[] big = ("[" + record("big", 1, 1, 805) + " ".repeat(5000) + "]").getBytes();
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(http.base() + "/flows"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)));
    HttpResponse<String> r = http.send(req);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(http.get("/flows?hour=805").body()).isEqualTo("[]");
  }

  @Test
  void moreRecordsThanTheLimitIs413() {
    String body = "[" + String.join(",", Collections.nCopies(21, "{}")) + "]";
    HttpResponse<String> r = http.postJson("/flows", body);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("limit is 20");
  }

  @Test
  void aTotalThatWouldOverflowIsRefusedAndNothingChanges() {
    http.postJson("/flows", record("near-max", Long.MAX_VALUE - 1, 0, 806));
    String body = "[" + record("other", 5, 5, 806) + "," + record("near-max", 2, 0, 806) + "]";
    HttpResponse<String> r = http.postJson("/flows", body);
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("\"index\":1").contains("\"field\":\"bytes_tx\"");
    assertThat(http.get("/flows?hour=806").body())
        .isEqualTo(
            "[{\"src_app\":\"near-max\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":9223372036854775806,\"bytes_rx\":0,\"hour\":806}]");
  }

  @Test
  void recordsThatOverflowTogetherWithinOneRequestAreRefused() {
    String body = "[" + record("pair", Long.MAX_VALUE, 0, 807) + "," + record("pair", 1, 0, 807) + "]";
    HttpResponse<String> r = http.postJson("/flows", body);
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("\"index\":1");
    assertThat(http.get("/flows?hour=807").body()).isEqualTo("[]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/flows", "/flows?hour=", "/flows?hour=-1", "/flows?hour=1.5", "/flows?hour=abc",
      "/flows?hour=99999999999999999999", "/flows?hour=1&hour=2", "/flows?hour=00012", "/flows?hour=%2B12",
      "/flows?hour=-0"})
  void aBadHourIs400(String path) {
    HttpResponse<String> r = http.get(path);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).startsWith("{\"error\":\"query parameter 'hour'");
  }

  @Test
  void aParameterGetFlowsDoesNotTakeIs400RatherThanIgnored() {
    HttpResponse<String> r = http.get("/flows?hour=91&src_app=foo&format=csv");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("format, src_app").contains("GET /totals");
  }

  @Test
  void anHourWithLeadingZerosIsRefusedInAPostAsInAGet() {
    HttpResponse<String> zeros = http.postJson("/flows", record("zeros", 1, 1, 808).replace("808", "00808"));
    HttpResponse<String> minusZero = http.postJson("/flows", record("zeros", 1, 1, 808).replace("808", "-0"));
    HttpResponse<String> get = http.get("/flows?hour=00808");

    assertThat(zeros.statusCode()).isEqualTo(400);
    assertThat(zeros.body()).contains("Leading zeroes not allowed");
    assertThat(minusZero.statusCode()).isEqualTo(400);
    assertThat(minusZero.body())
        .contains("{\"index\":0,\"field\":\"hour\",\"problem\":\"must be a non-negative integer\"}");
    assertThat(get.statusCode()).isEqualTo(400);
    assertThat(get.body()).contains("without sign or leading zeros, not '00808'");
    assertThat(http.get("/flows?hour=808").body()).isEqualTo("[]");
  }

  @Test
  void anOverlongUtf8SequenceIsRefusedAndNamed() {
    // "a", then '/' encoded in two bytes (0xC0 0xAF), then "b": a lenient decoder reads "a/b".
    byte[] body = record("a_b", 1, 1, 809).getBytes(StandardCharsets.UTF_8);
    int at = new String(body, StandardCharsets.UTF_8).indexOf('_');
    byte[] overlong = new byte[body.length + 1];
    System.arraycopy(body, 0, overlong, 0, at);
    overlong[at] = (byte) 0xC0;
    overlong[at + 1] = (byte) 0xAF;
    System.arraycopy(body, at + 1, overlong, at + 2, body.length - at - 1);

    HttpResponse<String> r = http.post("/flows", "application/json", overlong);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("{\"error\":\"the body is not valid UTF-8: an overlong encoding (0xC0 0xAF) at byte "
        + at + "\",\"details\":[]}");
    assertThat(http.get("/flows?hour=809").body()).isEqualTo("[]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json; charset=iso-8859-1", "application/json; charset=UTF-16",
      "application/json; charset=windows-1252"})
  void aCharsetOtherThanUtf8Is415(String contentType) {
    HttpResponse<String> r = http.post("/flows", contentType, record("charset", 1, 1, 810));

    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(r.body()).contains("charset UTF-8 or none");
    assertThat(http.get("/flows?hour=810").body()).isEqualTo("[]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json; charset=utf-8", "application/json;charset=UTF-8",
      "application/json; charset=\"utf-8\""})
  void utf8DeclaredOrNotIsAccepted(String contentType) {
    assertThat(http.post("/flows", contentType, record("utf8", 1, 1, 811)).statusCode()).isEqualTo(200);
  }

  @Test
  void anUnknownPathIs404Json() {
    HttpResponse<String> r = http.get("/nope");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).isEqualTo("{\"error\":\"no such resource: /nope\",\"details\":[]}");
  }

  @Test
  void aWrongMethodIs405JsonWithAllow() {
    HttpResponse<String> r =
        http.send(HttpRequest.newBuilder(URI.create(http.base() + "/flows")).DELETE());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).contains("GET, POST");
    assertThat(r.body()).contains("DELETE");
  }

  @Test
  void theClusterViewListsThisNodeWithItsShards() {
    http.postJson("/flows", record("cluster-view", 1, 1, 900));
    HttpResponse<String> r = http.get("/cluster");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("\"status\":\"Up\"")
        .contains("\"reachable\":true")
        .containsPattern("\"entities\":\\{\"FlowSlice\":[1-9]");
  }

  @Test
  void healthEndpointsAnswer() {
    assertThat(http.get("/health/alive").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = http.get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");
  }
}
