package dev.flowagg.node.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.testing.HttpApi;
import dev.flowagg.node.testing.InProcessNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code Idempotency-Key} on one node: applied once, answered alike, 422 on another request, 400 on a bad key. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotentRequestsTest {

  private static final String JSON = "application/json";
  private static final String TEXT = "text/plain";

  private InProcessNode node;
  private HttpApi http;

  @BeforeAll
  void start() {
    node = InProcessNode.start(Map.of());
    http = node.http;
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private static String records(String src, long tx, long hour) {
    return "[{\"src_app\":\"" + src + "\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":" + tx
        + ",\"bytes_rx\":1,\"hour\":" + hour + "},{\"src_app\":\"" + src + "-2\",\"dest_app\":\"d\",\"vpc_id\":\"v\","
        + "\"bytes_tx\":" + tx + ",\"bytes_rx\":1,\"hour\":" + hour + "}]";
  }

  @Test
  void aRetryWithTheSameKeyAndBodyIsAppliedOnceAndAnsweredLikeTheFirst() {
    String body = records("once", 10, 700);
    HttpResponse<String> first = http.post("/flows", JSON, body, "key-once-1");
    HttpResponse<String> second = http.post("/flows", JSON, body, "key-once-1");
    HttpResponse<String> third = http.post("/flows", JSON, body, "key-once-1");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("{\"accepted\":2}");
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    for (HttpResponse<String> retry : java.util.List.of(second, third)) {
      assertThat(retry.statusCode()).isEqualTo(200);
      assertThat(retry.body()).isEqualTo(first.body());
      assertThat(retry.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
    }
    assertThat(http.get("/flows?hour=700").body())
        .isEqualTo(
            "[{\"src_app\":\"once\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":10,\"bytes_rx\":1,\"hour\":700},"
                + "{\"src_app\":\"once-2\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":10,\"bytes_rx\":1,\"hour\":700}]");

    // Without a key the same body is simply another write.
    assertThat(http.postJson("/flows", body).statusCode()).isEqualTo(200);
    assertThat(http.get("/flows?hour=700").body()).contains("\"bytes_tx\":20,");
  }

  @Test
  void theSameKeyWithAnotherRequestIs422AndAppliesNothing() {
    assertThat(http.post("/flows", JSON, records("mismatch", 5, 701), "key-mismatch").statusCode()).isEqualTo(200);

    HttpResponse<String> otherBody = http.post("/flows", JSON, records("mismatch", 6, 701), "key-mismatch");
    assertThat(otherBody.statusCode()).isEqualTo(422);
    assertThat(otherBody.body()).contains("\"error\":\"Idempotency-Key was already used with a different request");
    // Another path under the same key is another request too.
    HttpResponse<String> otherPath =
        http.post("/flowlogs", TEXT, "2 123 eni-1 10.0.0.1 10.0.0.2 40000 443 6 10 840 3600 3660 ACCEPT OK\n", "key-mismatch");
    assertThat(otherPath.statusCode()).isEqualTo(422);

    assertThat(http.get("/flows?hour=701").body()).contains("\"bytes_tx\":5,").doesNotContain("\"bytes_tx\":11,");
    // The first answer is still what the first request gets.
    assertThat(http.post("/flows", JSON, records("mismatch", 5, 701), "key-mismatch").body()).isEqualTo("{\"accepted\":2}");
  }

  @Test
  void flowLogRetriesAreAppliedOnceWithTheSameAnswer() {
    String lines = "2 123 eni-1 10.0.0.1 10.0.0.2 40000 443 6 10 840 3600 3660 ACCEPT OK\n"
        + "2 123 eni-1 - - - - - - - 3600 3660 - NODATA\n";
    HttpResponse<String> first = http.post("/flowlogs", TEXT, lines, "flowlog-key");
    HttpResponse<String> retry = http.post("/flowlogs", TEXT, lines, "flowlog-key");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("{\"accepted\":1,\"skipped\":1}");
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(http.get("/flows?hour=1").body()).contains(":840,").doesNotContain("1680");
  }

  @Test
  void aBadKeyIs400AndAppliesNothing() {
    for (String bad : new String[] {"has space", "k".repeat(256), "tab\there"}) {
      HttpResponse<String> r = http.post("/flows", JSON, records("badkey", 1, 702), bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.body()).contains("Idempotency-Key must be 1 to 255 visible ASCII characters");
    }
    // (The JDK client sends a non-ASCII value as '?', so that case is checked on the rule itself.)
    assertThat(IdempotentRequests.problemOf("caf\u00e9")).isNotNull();
    assertThat(IdempotentRequests.problemOf("")).isNotNull();
    assertThat(http.post("/flows", JSON, records("badkey", 1, 702), "k".repeat(255)).statusCode()).isEqualTo(200);
    assertThat(http.get("/flows?hour=702").body()).contains("\"bytes_tx\":1,").doesNotContain("\"bytes_tx\":2,");
  }

  @Test
  void anInvalidBodyDoesNotUseUpTheKey() {
    HttpResponse<String> invalid = http.post("/flows", JSON, "[{\"src_app\":\"x\"}]", "key-after-400");
    assertThat(invalid.statusCode()).isEqualTo(400);
    HttpResponse<String> fixed = http.post("/flows", JSON, records("fixed", 3, 703), "key-after-400");
    assertThat(fixed.statusCode()).isEqualTo(200);
    assertThat(fixed.headers().firstValue("Idempotent-Replayed")).isEmpty();
  }

  @Test
  void anOverflowRefusalIsRememberedLikeAnyFinalAnswer() {
    String big = "[{\"src_app\":\"of\",\"dest_app\":\"d\",\"vpc_id\":\"v\",\"bytes_tx\":9223372036854775807,"
        + "\"bytes_rx\":0,\"hour\":704}]";
    assertThat(http.postJson("/flows", big).statusCode()).isEqualTo(200);
    String more = records("of", 1, 704);
    HttpResponse<String> refused = http.post("/flows", JSON, more, "key-overflow");
    assertThat(refused.statusCode()).isEqualTo(422);
    HttpResponse<String> again = http.post("/flows", JSON, more, "key-overflow");
    assertThat(again.statusCode()).isEqualTo(422);
    assertThat(again.body()).isEqualTo(refused.body());
    assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
  }
}
