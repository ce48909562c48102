package dev.flowagg.protocol.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowagg.protocol.net.IpAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClassificationRulesParserTest {

  @Test
  void readsEverySection() {
    ClassificationRules rules = ClassificationRules.parse("""
        # apps first
        [apps]
        10.1.0.0/16        billing
        10.1.7.0/24\tbilling-db   # tab-separated
        2001:db8:7::/48    web

        [exporters]
        198.51.100.0/24    vpc-edge

        [interfaces]
        eni-0a1b2c3d       vpc-0f00ba4

        [service-ports]
        15672 8000-8002
        """);

    assertThat(rules.appOf(IpAddress.parse("10.1.7.1"))).isEqualTo("billing-db");
    assertThat(rules.appOf(IpAddress.parse("2001:db8:7::1"))).isEqualTo("web");
    assertThat(rules.vpcOfExporter(IpAddress.parse("198.51.100.3"))).isEqualTo("vpc-edge");
    assertThat(rules.vpcOfInterface("eni-0a1b2c3d")).contains("vpc-0f00ba4");
    assertThat(rules.servicePorts().contains(15672)).isTrue();
    assertThat(rules.servicePorts().contains(8002)).isTrue();
    assertThat(rules.servicePorts().contains(443)).as("defaults stay").isTrue();
  }

  @Test
  void theExampleFileInTheRepositoryParses() throws Exception {
    ClassificationRules rules = ClassificationRules.load(Path.of("../config/classification.conf"));

    assertThat(rules.appOf(IpAddress.parse("10.1.7.9"))).isEqualTo("billing-db");
    assertThat(rules.vpcOfInterface("eni-1235b8ca123456789")).contains("vpc-0a1b2c3d4e5f60708");
  }

  @Test
  void sectionsMayRepeatAndComeInAnyOrder() {
    ClassificationRules rules = ClassificationRules.parse("""
        [interfaces]
        eni-1 vpc-1
        [apps]
        10.0.0.0/8 corp
        [interfaces]
        eni-2 vpc-2
        """);

    assertThat(rules.vpcOfInterface("eni-2")).contains("vpc-2");
  }

  @Test
  void repeatingARuleUnchangedIsHarmless() {
    ClassificationRules rules = ClassificationRules.parse("""
        [apps]
        10.0.0.0/8 corp
        10.0.0.0/8 corp
        """);

    assertThat(rules.appOf(IpAddress.parse("10.0.0.1"))).isEqualTo("corp");
  }

  @Test
  void aContradictingRuleNamesBothLines() {
    assertThatThrownBy(() -> ClassificationRules.parse("""
        [apps]
        10.0.0.0/8 corp

        10.0.0.0/8 other
        """))
        .isInstanceOfSatisfying(RulesFileException.class, e -> assertThat(e.lineNumber()).isEqualTo(4))
        .hasMessage("line 4: 10.0.0.0/8 is already the app 'corp' (line 2), not 'other'");
  }

  @Test
  void theSamePrefixSpelledDifferentlyIsTheSameKey() {
    assertThatThrownBy(() -> ClassificationRules.parse("""
        [exporters]
        2001:db8::/32 vpc-a
        2001:DB8:0::/32 vpc-b
        """))
        .hasMessageStartingWith("line 3: exporters in 2001:db8::/32 are already in 'vpc-a' (line 2)");
  }

  @Test
  void aRuleBeforeAnySectionIsAnError() {
    assertThatThrownBy(() -> ClassificationRules.parse("# header\n10.0.0.0/8 corp\n"))
        .hasMessageStartingWith("line 2: a rule before any section");
  }

  @Test
  void anUnknownSectionIsAnError() {
    assertThatThrownBy(() -> ClassificationRules.parse("[networks]\n"))
        .hasMessage("line 1: unknown section [networks]; expected one of [apps], [exporters], [interfaces],"
            + " [service-ports]");
  }

  @Test
  void aBadPrefixNamesTheLineAndTheProblem() {
    assertThatThrownBy(() -> ClassificationRules.parse("[apps]\n10.1.2.3/16 billing\n"))
        .hasMessage("line 2: 10.1.2.3/16 has address bits set past the prefix length; did you mean 10.1.0.0/16?");
    assertThatThrownBy(() -> ClassificationRules.parse("[apps]\n\n10.1.0.0/16\n"))
        .hasMessage("line 3: expected two words, PREFIX APP, found 1: '10.1.0.0/16'");
    assertThatThrownBy(() -> ClassificationRules.parse("[apps]\nbilling 10.1.0.0/16\n"))
        .hasMessage("line 2: not an IP address: 'billing'");
  }

  @Test
  void aBadServicePortNamesTheLine() {
    assertThatThrownBy(() -> ClassificationRules.parse("[service-ports]\n80 http\n"))
        .hasMessage("line 2: 'http' is not a port number");
    assertThatThrownBy(() -> ClassificationRules.parse("[service-ports]\n70000\n"))
        .hasMessage("line 2: a port is 0..65535, not 70000");
  }

  @Test
  void anEmptyFileIsNoRules() {
    assertThat(ClassificationRules.parse("").servicePorts()).isEqualTo(ServicePorts.defaults());
  }
}
