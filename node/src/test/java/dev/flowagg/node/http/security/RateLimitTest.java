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

/** A real node limited to a burst of 2 and one request per 20 s per client: the third request in a row is 429. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitTest {

  private InProcessNode node;

  @BeforeAll
  void start() {
    // One request per 20 s refills far slower than any test runs, so the counts below don't depend on timing.
    node =
        InProcessNode.start(
            Map.of(
                "flowagg.security.read-tokens", "alice,bob,carol",
                "flowagg.security.metrics-token", "scraper",
                "flowagg.security.rate-limit", "0.05",
                "flowagg.security.rate-burst", "2"));
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private HttpResponse<String> get(String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.http.base() + path)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return node.http.send(request);
  }

  @Test
  void overTheBurstIs429WithRetryAfterAndAJsonBody() {
    assertThat(get("/ingest/stats", "alice").statusCode()).isEqualTo(200);
    assertThat(get("/ingest/stats", "alice").statusCode()).isEqualTo(200);
    HttpResponse<String> limited = get("/ingest/stats", "alice");
    assertThat(limited.statusCode()).isEqualTo(429);
    long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 20L);
    assertThat(limited.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(limited.body())
        .isEqualTo("{\"error\":\"rate limit exceeded; retry after " + retryAfter + " s\",\"details\":[]}");
  }

  @Test
  void eachTokenHasItsOwnBucket() {
    assertThat(get("/cluster", "bob").statusCode()).isEqualTo(200);
    assertThat(get("/cluster", "bob").statusCode()).isEqualTo(200);
    assertThat(get("/cluster", "bob").statusCode()).isEqualTo(429);
    assertThat(get("/cluster", "carol").statusCode()).isEqualTo(200);
  }

  @Test
  void requestsWithoutAValidTokenShareTheirAddresssBucket() {
    // Guessing tokens from one address is throttled like anything else from it.
    assertThat(get("/ingest/stats", null).statusCode()).isEqualTo(401);
    assertThat(get("/ingest/stats", "guess-1").statusCode()).isEqualTo(401);
    assertThat(get("/ingest/stats", "guess-2").statusCode()).isEqualTo(429);
  }

  @Test
  void healthAndMetricsAreNeverLimited() {
    for (int i = 0; i < 10; i++) {
      assertThat(get("/health/ready", null).statusCode()).isEqualTo(200);
      assertThat(get("/metrics", "scraper").statusCode()).isNotIn(401, 403, 429);
    }
  }
}
