package dev.flowagg.node.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowagg.node.http.security.AccessPolicy.Decision;
import dev.flowagg.node.http.security.AccessPolicy.Kind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

  private static final AccessPolicy POLICY =
      new AccessPolicy(
          BearerTokens.parse("W", "w1, w2"), BearerTokens.parse("R", "r1"), BearerTokens.parse("M", "m1"));

  private static Decision decide(AccessPolicy policy, Kind kind, String token) {
    return policy.decide(kind, Optional.ofNullable(token).map(t -> "Bearer " + t));
  }

  @Test
  void requestsAreSortedByPathAndMethod() {
    assertThat(AccessPolicy.classify("GET", "/health/ready")).isEqualTo(Kind.OPEN);
    assertThat(AccessPolicy.classify("POST", "/health/alive")).isEqualTo(Kind.OPEN);
    assertThat(AccessPolicy.classify("GET", "/healthz")).isEqualTo(Kind.READ);
    assertThat(AccessPolicy.classify("GET", "/metrics")).isEqualTo(Kind.METRICS);
    assertThat(AccessPolicy.classify("GET", "/flows")).isEqualTo(Kind.READ);
    assertThat(AccessPolicy.classify("HEAD", "/cluster")).isEqualTo(Kind.READ);
    assertThat(AccessPolicy.classify("POST", "/flows")).isEqualTo(Kind.WRITE);
    assertThat(AccessPolicy.classify("POST", "/flowlogs")).isEqualTo(Kind.WRITE);
    assertThat(AccessPolicy.classify("DELETE", "/anything")).isEqualTo(Kind.WRITE);
  }

  @Test
  void theConsolePageAndAssetsNeedNoTokenButItsDataDoes() {
    assertThat(AccessPolicy.classify("GET", "/")).isEqualTo(Kind.CONSOLE);
    assertThat(AccessPolicy.classify("GET", "/console/app.js")).isEqualTo(Kind.CONSOLE);
    assertThat(AccessPolicy.classify("POST", "/")).isEqualTo(Kind.WRITE);
    assertThat(AccessPolicy.classify("GET", "/console")).isEqualTo(Kind.READ);
    assertThat(AccessPolicy.classify("GET", "/totals")).isEqualTo(Kind.READ);
    assertThat(decide(POLICY, Kind.CONSOLE, null)).isInstanceOf(Decision.Granted.class);
  }

  @Test
  void aWriteTokenMayDoEverythingAReadTokenReadsAndScrapes() {
    for (Kind kind : new Kind[] {Kind.WRITE, Kind.READ, Kind.METRICS}) {
      assertThat(decide(POLICY, kind, "w2")).as(kind.name()).isInstanceOf(Decision.Granted.class);
    }
    assertThat(decide(POLICY, Kind.READ, "r1")).isInstanceOf(Decision.Granted.class);
    assertThat(decide(POLICY, Kind.METRICS, "r1")).isInstanceOf(Decision.Granted.class);
    assertThat(decide(POLICY, Kind.WRITE, "r1")).isInstanceOf(Decision.Forbidden.class);
    assertThat(decide(POLICY, Kind.METRICS, "m1")).isInstanceOf(Decision.Granted.class);
    assertThat(decide(POLICY, Kind.READ, "m1")).isInstanceOf(Decision.Forbidden.class);
    assertThat(decide(POLICY, Kind.WRITE, "m1")).isInstanceOf(Decision.Forbidden.class);
  }

  @Test
  void missingWrongAndMalformedCredentialsAreTold() {
    assertThat(decide(POLICY, Kind.READ, null)).isEqualTo(new Decision.Unauthenticated(Optional.empty(),
        "authentication required: send the header 'Authorization: Bearer <token>'"));
    assertThat(decide(POLICY, Kind.READ, "r2"))
        .isEqualTo(new Decision.Unauthenticated(Optional.of("invalid_token"), "the bearer token is not valid"));
    assertThat(POLICY.decide(Kind.READ, Optional.of("Basic cjE6")))
        .isInstanceOf(Decision.Unauthenticated.class)
        .extracting(d -> ((Decision.Unauthenticated) d).error())
        .isEqualTo(Optional.of("invalid_request"));
    assertThat(POLICY.decide(Kind.READ, Optional.of("Bearer r1 extra"))).isInstanceOf(Decision.Unauthenticated.class);
    assertThat(POLICY.decide(Kind.READ, Optional.of("bearer   r1 "))).isInstanceOf(Decision.Granted.class);
  }

  @Test
  void aKindWithoutTokensIsOpenButAValidTokenStillIdentifiesItsClient() {
    AccessPolicy writesOnly = new AccessPolicy(BearerTokens.parse("W", "w1"), BearerTokens.none(), BearerTokens.none());
    assertThat(writesOnly.isOpen(Kind.READ)).isTrue();
    assertThat(writesOnly.isOpen(Kind.METRICS)).isTrue();
    assertThat(writesOnly.isOpen(Kind.WRITE)).isFalse();
    assertThat(decide(writesOnly, Kind.READ, null)).isEqualTo(new Decision.Granted(Optional.empty()));
    assertThat(decide(writesOnly, Kind.READ, "junk")).isEqualTo(new Decision.Granted(Optional.empty()));
    assertThat(decide(writesOnly, Kind.READ, "w1"))
        .isEqualTo(new Decision.Granted(Optional.of(new AccessPolicy.TokenId(Kind.WRITE, 0))));
    assertThat(decide(writesOnly, Kind.WRITE, null)).isInstanceOf(Decision.Unauthenticated.class);
    assertThat(decide(writesOnly, Kind.OPEN, null)).isInstanceOf(Decision.Granted.class);
  }

  @Test
  void tokensAreKeptAsDigestsAndNeverPrinted() {
    BearerTokens tokens = BearerTokens.parse("FLOWAGG_READ_TOKENS", " alpha-1 ,, beta/2== ");
    assertThat(tokens.size()).isEqualTo(2);
    assertThat(tokens.contains("alpha-1")).isTrue();
    assertThat(tokens.contains("beta/2==")).isTrue();
    assertThat(tokens.contains("alpha")).isFalse();
    assertThat(tokens.toString()).isEqualTo("2 tokens");
    assertThat(BearerTokens.parse("X", " , ").isEmpty()).isTrue();
  }

  @Test
  void aTokenThatCannotBeSentIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> BearerTokens.parse("FLOWAGG_WRITE_TOKENS", "good, sec ret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("FLOWAGG_WRITE_TOKENS: entry 2 has a character")
        .hasMessageNotContaining("sec ret");
  }
}
