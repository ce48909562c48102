package dev.flowagg.node.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.process.StartFailure;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowaggConfigTest {

  private static FlowaggConfig http(Object port, Object timeout) {
    return FlowaggConfig.of(
        ConfigFactory.parseMap(Map.of("flowagg.http.port", port, "flowagg.http.request-timeout", timeout)),
        "flowagg");
  }

  @Test
  void goodValuesReadAsConfigWouldReadThem() {
    FlowaggConfig c = http("9000", "2m");

    assertThat(c.getPort("http.port")).isEqualTo(9000);
    assertThat(c.getConfig("http").getDuration("request-timeout")).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void aValueOfTheWrongKindNamesItsPathValueAndDefault() {
    assertThatThrownBy(() -> http("abc", "15s").getPort("http.port"))
        .isInstanceOfSatisfying(StartFailure.class, f -> assertThat(f.exitCode()).isEqualTo(ExitCode.BAD_SETTING))
        .hasMessage("flowagg.http.port = \"abc\" (hardcoded value) is not a port number: a whole number from 0 to"
            + " 65535; the default is 8080");
    assertThatThrownBy(() -> http("8080", "soon").getConfig("http").getDuration("request-timeout"))
        .hasMessageStartingWith("flowagg.http.request-timeout = \"soon\" (hardcoded value) is not a duration");
  }

  @Test
  void aPortOutsideZeroTo65535IsRefused() {
    assertThatThrownBy(() -> http(65536, "15s").getPort("http.port")).hasMessageContaining("is not a port number");
    assertThatThrownBy(() -> http(-1, "15s").getPort("http.port")).hasMessageContaining("is not a port number");
    assertThat(http(0, "15s").getPort("http.port")).isZero();
  }
}
