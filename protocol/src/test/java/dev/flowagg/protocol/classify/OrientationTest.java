package dev.flowagg.protocol.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.net.IpAddress;
import org.junit.jupiter.api.Test;

class OrientationTest {

  private static final IpAddress LAPTOP = IpAddress.parse("10.0.0.5");
  private static final IpAddress DATABASE = IpAddress.parse("10.0.9.9");
  private final Orientation orientation = Orientation.byDefaultPorts();

  @Test
  void theEndpointOnAServicePortIsTheServer() {
    assertThat(orientation.firstIsServer(DATABASE, 5432, LAPTOP, 51000)).isTrue();
    assertThat(orientation.firstIsServer(LAPTOP, 51000, DATABASE, 5432)).isFalse();
  }

  @Test
  void aServicePortWinsEvenWhenItIsTheHigherPort() {
    // 27017 is a service port, 1500 is not: the MongoDB side is the server.
    assertThat(orientation.firstIsServer(DATABASE, 27017, LAPTOP, 1500)).isTrue();
  }

  @Test
  void whenBothPortsAreServicePortsTheLowerPortIsTheServer() {
    assertThat(orientation.firstIsServer(LAPTOP, 443, DATABASE, 5432)).isTrue();
    assertThat(orientation.firstIsServer(LAPTOP, 5432, DATABASE, 443)).isFalse();
  }

  @Test
  void whenNeitherPortIsAServicePortTheLowerPortIsTheServer() {
    assertThat(orientation.firstIsServer(LAPTOP, 40000, DATABASE, 50000)).isTrue();
    assertThat(orientation.firstIsServer(LAPTOP, 50000, DATABASE, 40000)).isFalse();
  }

  @Test
  void whenPortsAreEqualTheLowerAddressIsTheServer() {
    assertThat(orientation.firstIsServer(LAPTOP, 123, DATABASE, 123)).isTrue();
    assertThat(orientation.firstIsServer(DATABASE, 123, LAPTOP, 123)).isFalse();
  }

  @Test
  void configuredServicePortsDecide() {
    Orientation custom = new Orientation(ServicePorts.defaults().with(40000));

    assertThat(custom.firstIsServer(LAPTOP, 40000, DATABASE, 30000)).isTrue();
  }

  @Test
  void aRequestFromTheClientCountsAsBytesSent() {
    Conversation c = orientation.orient(LAPTOP, 51000, DATABASE, 5432, 300, 0);

    assertThat(c).isEqualTo(new Conversation(LAPTOP, 51000, DATABASE, 5432, 300, 0));
  }

  @Test
  void aReplyFromTheServerCountsAsBytesReceivedByTheClient() {
    Conversation c = orientation.orient(DATABASE, 5432, LAPTOP, 51000, 9000, 0);

    assertThat(c).isEqualTo(new Conversation(LAPTOP, 51000, DATABASE, 5432, 0, 9000));
  }

  @Test
  void aBidirectionalFlowKeepsBothCountsOnTheRightSides() {
    Conversation c = orientation.orient(DATABASE, 5432, LAPTOP, 51000, 9000, 300);

    assertThat(c.bytesTx()).isEqualTo(300);
    assertThat(c.bytesRx()).isEqualTo(9000);
  }
}
