package dev.flowagg.protocol.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServicePortsTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 22, 53, 80, 443, 1023, 1433, 1521, 2049, 2379, 3306, 5432, 5672, 6379, 8080, 8443, 9092,
      9200, 11211, 27017})
  void defaultsHoldSystemPortsAndCommonServicePorts(int port) {
    assertThat(ServicePorts.defaults().contains(port)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {1024, 32768, 49152, 50000, 60999, 65535})
  void defaultsLeaveEphemeralPortsOut(int port) {
    assertThat(ServicePorts.defaults().contains(port)).isFalse();
  }

  @Test
  void portsOutsideTheValidRangeAreNeverServicePorts() {
    assertThat(ServicePorts.defaults().contains(-1)).isFalse();
    assertThat(ServicePorts.defaults().contains(65536)).isFalse();
  }

  @Test
  void addingPortsLeavesTheOriginalUntouched() {
    ServicePorts more = ServicePorts.defaults().with(15672).withRange(8000, 8002);

    assertThat(more.contains(15672)).isTrue();
    assertThat(more.contains(8001)).isTrue();
    assertThat(more.contains(8003)).isFalse();
    assertThat(ServicePorts.defaults().contains(15672)).isFalse();
  }

  @Test
  void anExplicitSetHoldsOnlyItsPorts() {
    ServicePorts ports = ServicePorts.of(53, 65535);

    assertThat(ports.contains(53)).isTrue();
    assertThat(ports.contains(65535)).isTrue();
    assertThat(ports.contains(80)).isFalse();
    assertThat(ports).hasToString("[53, 65535]");
  }

  @Test
  void printsItselfAsRanges() {
    assertThat(ServicePorts.defaults().toString()).startsWith("[0-1023, 1433, 1521,");
  }

  @Test
  void rejectsPortsOutsideTheRange() {
    assertThatThrownBy(() -> ServicePorts.of(70000)).hasMessageContaining("0..65535");
    assertThatThrownBy(() -> ServicePorts.of().withRange(9000, 8000)).hasMessageContaining("backwards");
  }
}
