package dev.flowagg.node.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.testing.InProcessNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Bearer tokens in front of a real node: 401 without a valid token, 403 for a read token that writes, health open. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpAccessTest {

  private static final String WRITER = "w-7f3a9c1e";
  private static final String OTHER_WRITER = "w-second-token";
  private static final String READER = "r-52d0b8aa";
  private static final String SCRAPER = "m-0c4e11f2";
  private static final String RECORD =
      "[{\"src_app\":\"a\",\"dest_app\":\"b\",\"vpc_id\":\"v\",\"bytes_tx\":10,\"bytes_rx\":20,\"hour\":700}]";

  private InProcessNode node;

  @BeforeAll
  void start() {
    node =
        InProcessNode.start(
            Map.of(
                "flowagg.security.write-tokens", WRITER + ", " + OTHER_WRITER,
                "flowagg.security.read-tokens", READER,
                "flowagg.security.metrics-token", SCRAPER));
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private HttpResponse<String> send(String method, String path, String authorization, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(node.http.base() + path))
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return node.http.send(request);
  }

  private HttpResponse<String> post(String token) {
    return send("POST", "/flows", token == null ? null : "Bearer " + token, RECORD);
  }

  private HttpResponse<String> get(String path, String token) {
    return send("GET", path, token == null ? null : "Bearer " + token, null);
  }

  @Test
  void aWriteWithoutATokenIs401WithABearerChallenge() {
    HttpResponse<String> r = post(null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"flowagg\"");
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.body())
        .isEqualTo(
            "{\"error\":\"authentication required: send the header 'Authorization: Bearer <token>'\",\"details\":[]}");
  }

  @Test
  void aWrongTokenIs401InvalidTokenAndIsNotEchoed() {
    String wrong = "guess-" + WRITER;
    HttpResponse<String> r = post(wrong);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"flowagg\", error=\"invalid_token\"");
    assertThat(r.body()).isEqualTo("{\"error\":\"the bearer token is not valid\",\"details\":[]}");
    assertThat(r.body()).doesNotContain(wrong);
  }

  @Test
  void anotherSchemeIs401InvalidRequest() {
    HttpResponse<String> r = send("GET", "/flows?hour=700", "Basic dXNlcjpwYXNz", null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"flowagg\", error=\"invalid_request\"");
    assertThat(r.body())
        .isEqualTo("{\"error\":\"the Authorization header must be 'Bearer <token>'\",\"details\":[]}");
  }

  @Test
  void aReadTokenThatWritesIs403() {
    HttpResponse<String> r = post(READER);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"flowagg\", error=\"insufficient_scope\"");
    assertThat(r.body()).isEqualTo("{\"error\":\"this token may read but not write\",\"details\":[]}");
    assertThat(send("POST", "/flowlogs", "Bearer " + READER, "x").statusCode()).isEqualTo(403);
  }

  @Test
  void eitherWriteTokenWritesAndReadsAndAReadTokenReads() {
    assertThat(post(WRITER).statusCode()).isEqualTo(200);
    assertThat(post(OTHER_WRITER).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/flows", "bearer " + WRITER, RECORD).statusCode()).as("scheme is case-insensitive").isEqualTo(200);
    for (String token : new String[] {READER, WRITER}) {
      HttpResponse<String> r = get("/flows?hour=700", token);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"bytes_tx\":30,\"bytes_rx\":60");
    }
    assertThat(get("/ingest/stats", READER).statusCode()).isEqualTo(200);
    assertThat(get("/cluster", READER).statusCode()).isEqualTo(200);
  }

  @Test
  void readsNeedAToken() {
    assertThat(get("/flows?hour=700", null).statusCode()).isEqualTo(401);
    assertThat(get("/ingest/stats", null).statusCode()).isEqualTo(401);
    assertThat(get("/cluster", "nope").statusCode()).isEqualTo(401);
    HttpResponse<String> scraper = get("/flows?hour=700", SCRAPER);
    assertThat(scraper.statusCode()).isEqualTo(403);
    assertThat(scraper.body()).isEqualTo("{\"error\":\"this token may only read /metrics\",\"details\":[]}");
  }

  @Test
  void unknownPathsAreNotRevealedWithoutAToken() {
    assertThat(get("/no/such/thing", null).statusCode()).isEqualTo(401);
    assertThat(get("/no/such/thing", READER).statusCode()).isEqualTo(404);
  }

  @Test
  void healthStaysOpen() {
    assertThat(get("/health/alive", null).statusCode()).isEqualTo(200);
    assertThat(get("/health/ready", null).statusCode()).isEqualTo(200);
    assertThat(get("/health/ready", "not-a-token").statusCode()).isEqualTo(200);
  }

  @Test
  void metricsNeedTheMetricsTokenOrAReadOrWriteToken() {
    assertThat(get("/metrics", null).statusCode()).isEqualTo(401);
    assertThat(get("/metrics", "wrong").statusCode()).isEqualTo(401);
    // Past the guard: the metrics route answers (or, on a build without it, the 404 fallback does).
    for (String token : new String[] {SCRAPER, READER, WRITER}) {
      assertThat(get("/metrics", token).statusCode()).as(token).isNotIn(401, 403);
    }
  }
}
