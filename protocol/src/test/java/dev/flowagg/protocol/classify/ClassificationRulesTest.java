package dev.flowagg.protocol.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowagg.protocol.net.IpAddress;
import org.junit.jupiter.api.Test;

class ClassificationRulesTest {

  private final ClassificationRules rules = ClassificationRules.builder()
      .app("10.1.0.0/16", "billing")
      .app("10.1.7.0/24", "billing-db")
      .app("2001:db8:7::/48", "web")
      .exporterVpc("198.51.100.0/24", "vpc-edge")
      .exporterVpc("198.51.100.9", "vpc-lab")
      .interfaceVpc("eni-0a1b2c3d", "vpc-0f00ba4")
      .build();

  @Test
  void anAddressBelongsToTheAppOfItsLongestMatchingPrefix() {
    assertThat(rules.appOf(IpAddress.parse("10.1.7.20"))).isEqualTo("billing-db");
    assertThat(rules.appOf(IpAddress.parse("10.1.200.1"))).isEqualTo("billing");
    assertThat(rules.appOf(IpAddress.parse("2001:db8:7:1::5"))).isEqualTo("web");
  }

  @Test
  void anAddressWithoutARuleIsItsOwnAppInCanonicalText() {
    assertThat(rules.appOf(IpAddress.parse("10.9.8.7"))).isEqualTo("10.9.8.7");
    assertThat(rules.appOf(IpAddress.parse("2001:DB8:0:0:0:0:0:1"))).isEqualTo("2001:db8::1");
    assertThat(rules.appRuleFor(IpAddress.parse("10.9.8.7"))).isNull();
  }

  @Test
  void theDefaultTextIsTheSameStringEachTime() {
    IpAddress address = IpAddress.parse("203.0.113.77");

    assertThat(rules.appOf(address)).isSameAs(rules.appOf(IpAddress.parse("203.0.113.77")));
  }

  @Test
  void anExporterIsInTheVpcOfItsLongestMatchingRule() {
    assertThat(rules.vpcOfExporter(IpAddress.parse("198.51.100.9"))).isEqualTo("vpc-lab");
    assertThat(rules.vpcOfExporter(IpAddress.parse("198.51.100.10"))).isEqualTo("vpc-edge");
  }

  @Test
  void anExporterWithoutARuleNamesItsOwnVpc() {
    assertThat(rules.vpcOfExporter(IpAddress.parse("192.0.2.1"))).isEqualTo("192.0.2.1");
  }

  @Test
  void anInterfaceRuleNamesTheVpc() {
    assertThat(rules.vpcOfInterface("eni-0a1b2c3d")).contains("vpc-0f00ba4");
    assertThat(rules.vpcOfInterface("eni-ffffffff")).isEmpty();
  }

  @Test
  void emptyRulesUseTheDefaultServicePorts() {
    ClassificationRules none = ClassificationRules.empty();

    assertThat(none.servicePorts()).isEqualTo(ServicePorts.defaults());
    assertThat(none.appOf(IpAddress.parse("10.1.7.20"))).isEqualTo("10.1.7.20");
  }

  @Test
  void aBuilderBuildsOnce() {
    ClassificationRules.Builder builder = ClassificationRules.builder();
    builder.build();

    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
  }
}
