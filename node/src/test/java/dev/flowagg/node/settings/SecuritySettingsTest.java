package dev.flowagg.node.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.flowagg.protocol.classify.Prefix;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecuritySettingsTest {

  @Test
  void theDefaultsLeaveEverythingOpenAndUnlimited() {
    SecuritySettings s = SecuritySettings.from(FlowaggConfig.of(ConfigFactory.parseResources("flowagg.conf").resolve(), "flowagg.security"));
    assertThat(s.writeTokens().isEmpty()).isTrue();
    assertThat(s.readTokens().isEmpty()).isTrue();
    assertThat(s.metricsTokens().isEmpty()).isTrue();
    assertThat(s.rateLimit()).isEmpty();
    assertThat(s.tls()).isEmpty();
  }

  @Test
  void theBurstDefaultsToTheRateRoundedUp() {
    assertThat(SecuritySettings.rateLimit("20", "", 10)).contains(new SecuritySettings.RateLimit(20, 20, 10));
    assertThat(SecuritySettings.rateLimit("0.5", "", 10)).contains(new SecuritySettings.RateLimit(0.5, 1, 10));
    assertThat(SecuritySettings.rateLimit("2.5", "7", 10)).contains(new SecuritySettings.RateLimit(2.5, 7, 10));
    assertThat(SecuritySettings.rateLimit("", "", 10)).isEmpty();
  }

  @Test
  void badRateSettingsStopTheStart() {
    assertThatThrownBy(() -> SecuritySettings.rateLimit("fast", "", 10))
        .hasMessageContaining("FLOWAGG_RATE_LIMIT")
        .hasMessageContaining("'fast'");
    assertThatThrownBy(() -> SecuritySettings.rateLimit("0", "", 10)).hasMessageContaining("FLOWAGG_RATE_LIMIT");
    assertThatThrownBy(() -> SecuritySettings.rateLimit("10", "0", 10)).hasMessageContaining("FLOWAGG_RATE_BURST");
    assertThatThrownBy(() -> SecuritySettings.rateLimit("", "5", 10)).hasMessageContaining("FLOWAGG_RATE_BURST is set");
  }

  @Test
  void tokensAndTheTlsPasswordAreNeverPrinted() {
    SecuritySettings.Tls tls = new SecuritySettings.Tls(Path.of("server.p12"), "hunter2");
    assertThat(tls.toString()).doesNotContain("hunter2").contains("server.p12");
    SecuritySettings s =
        SecuritySettings.from(
            FlowaggConfig.of(
                ConfigFactory.parseMap(
                    Map.of(
                        "flowagg.security.write-tokens", "w-secret", "flowagg.security.read-tokens", "",
                        "flowagg.security.metrics-token", "", "flowagg.security.rate-limit", "",
                        "flowagg.security.rate-burst", "", "flowagg.security.rate-limit-max-clients", 5,
                        "flowagg.security.tls-keystore", "server.p12", "flowagg.security.tls-password", "hunter2")),
                "flowagg.security"));
    assertThat(s.toString()).doesNotContain("hunter2").doesNotContain("w-secret");
    assertThat(s.tls()).isEqualTo(Optional.of(tls));
  }

  @Test
  void theAllowListNamesABadEntry() {
    assertThat(IngestSettings.parseAllowList(" 10.0.0.0/8 ,2001:db8::/32,, 192.0.2.7"))
        .containsExactly(Prefix.parse("10.0.0.0/8"), Prefix.parse("2001:db8::/32"), Prefix.parse("192.0.2.7/32"));
    assertThat(IngestSettings.parseAllowList("")).isEmpty();
    assertThatThrownBy(() -> IngestSettings.parseAllowList("10.0.0.0/8, 10.0.0.0/33"))
        .hasMessageStartingWith("FLOWAGG_NETFLOW_ALLOW: '10.0.0.0/33' is not an address or CIDR prefix");
    assertThatThrownBy(() -> IngestSettings.parseAllowList("exporter.example"))
        .hasMessageStartingWith("FLOWAGG_NETFLOW_ALLOW: 'exporter.example'");
  }
}
