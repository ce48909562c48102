package dev.flowagg.protocol.vpclog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FlowLogFormatTest {

  @Test
  void theDefaultFormatIsTheFourteenVersion2Fields() {
    FlowLogFormat format = FlowLogFormat.defaultFormat();

    assertThat(format.fieldNames()).containsExactly("version", "account-id", "interface-id", "srcaddr", "dstaddr",
        "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "log-status");
    assertThat(format.isDefault()).isTrue();
    assertThat(format.columnOf(VpcField.DSTPORT)).isEqualTo(6);
    assertThat(format.has(VpcField.VPC_ID)).isFalse();
  }

  @Test
  void aHeaderNamesFieldsInAnyOrder() {
    FlowLogFormat format = FlowLogFormat.parseHeader("vpc-id dstport srcaddr  tcp-flags\tflow-direction");

    assertThat(format.columnCount()).isEqualTo(5);
    assertThat(format.columnOf(VpcField.VPC_ID)).isZero();
    assertThat(format.columnOf(VpcField.FLOW_DIRECTION)).isEqualTo(4);
    assertThat(format.has(VpcField.PROTOCOL)).isFalse();
    assertThat(format.isDefault()).isFalse();
  }

  @Test
  void aHeaderMayUseTheFormatStringSpelling() {
    FlowLogFormat format = FlowLogFormat.parseHeader("${version} ${srcaddr} ${dstport}");

    assertThat(format.fieldNames()).containsExactly("version", "srcaddr", "dstport");
  }

  @Test
  void aHeaderSpellingTheDefaultFieldsIsTheDefaultFormat() {
    FlowLogFormat format = FlowLogFormat.parseHeader(String.join(" ", FlowLogFormat.defaultFormat().fieldNames()));

    assertThat(format).isEqualTo(FlowLogFormat.defaultFormat());
    assertThat(format.isDefault()).isTrue();
  }

  @Test
  void fieldsAwsAddsLaterAreKeptAsText() {
    FlowLogFormat format = FlowLogFormat.parseHeader("version srcaddr some-future-field");

    assertThat(format.columnOf("some-future-field")).isEqualTo(2);
  }

  @Test
  void aFieldNamedTwiceIsAnError() {
    assertThatThrownBy(() -> FlowLogFormat.parseHeader("srcaddr dstaddr srcaddr"))
        .hasMessage("header: field 'srcaddr' appears twice (fields 1 and 3)");
  }

  @Test
  void aValueInTheHeaderIsAnError() {
    assertThatThrownBy(() -> FlowLogFormat.parseHeader("vpc-id 10.0.0.1 ACCEPT"))
        .hasMessage("header: '10.0.0.1' is not a field name");
  }

  @Test
  void aHeaderNamingNoAwsFieldIsAnError() {
    assertThatThrownBy(() -> FlowLogFormat.parseHeader("garbage in"))
        .hasMessage("header: 'garbage in' names no VPC flow-log field");
  }

  @Test
  void aHeaderStartsWithAFieldNameAndARecordWithANumber() {
    assertThat(FlowLogFormat.looksLikeHeader("version account-id")).isTrue();
    assertThat(FlowLogFormat.looksLikeHeader("${version} ${account-id}")).isTrue();
    assertThat(FlowLogFormat.looksLikeHeader("2 123456789010 eni-1")).isFalse();
    assertThat(FlowLogFormat.looksLikeHeader("   ")).isFalse();
  }
}
