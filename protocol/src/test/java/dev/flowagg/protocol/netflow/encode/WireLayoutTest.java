package dev.flowagg.protocol.netflow.encode;

import static dev.flowagg.protocol.netflow.InformationElement.APPLICATION_NAME;
import static dev.flowagg.protocol.netflow.InformationElement.OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLING_INTERVAL;
import static dev.flowagg.protocol.netflow.InformationElement.SOURCE_IPV4_ADDRESS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.net.IpAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builders put each field where the RFCs say; offsets are named after the RFC field they point at. */
class WireLayoutTest {

  @Test
  void v5HeaderAndRecordFieldsSitAtTheirOffsets() {
    byte[] d = NetflowV5DatagramBuilder.create().sysUptimeMillis(1000).unixTime(1_700_000_000L, 5_000_000)
        .flowSequence(77).engine(3, 4).sampling(1, 100)
        .record(r -> r.src("10.0.0.1").dst("10.0.0.2").packets(5).octets(500).srcPort(1234).dstPort(80).protocol(6))
        .build();
    ByteBuffer b = ByteBuffer.wrap(d);

    assertThat(d).hasSize(24 + 48);
    assertThat(b.getShort(0)).as("version").isEqualTo((short) 5);
    assertThat(b.getShort(2)).as("count").isEqualTo((short) 1);
    assertThat(b.getInt(4)).as("sysUptime").isEqualTo(1000);
    assertThat(b.getInt(8)).as("unix_secs").isEqualTo(1_700_000_000);
    assertThat(b.getInt(12)).as("unix_nsecs").isEqualTo(5_000_000);
    assertThat(b.getInt(16)).as("flow_sequence").isEqualTo(77);
    assertThat(b.get(20)).as("engine_type").isEqualTo((byte) 3);
    assertThat(b.get(21)).as("engine_id").isEqualTo((byte) 4);
    assertThat(b.getShort(22)).as("sampling: mode 01, interval 100").isEqualTo((short) (1 << 14 | 100));
    int record = 24;
    assertThat(b.getInt(record)).as("srcaddr").isEqualTo(IpAddress.parse("10.0.0.1").v4Bits());
    assertThat(b.getInt(record + 16)).as("dPkts").isEqualTo(5);
    assertThat(b.getInt(record + 20)).as("dOctets").isEqualTo(500);
    assertThat(b.getShort(record + 32)).as("srcport").isEqualTo((short) 1234);
    assertThat(b.get(record + 38)).as("prot").isEqualTo((byte) 6);
  }

  @Test
  void v9CountsTemplateAndDataRecordsAndStatesOptionsLengthsInBytes() {
    TemplateSpec options = TemplateSpec.options(300, List.of(FieldSpec.v9Scope(V9ScopeType.SYSTEM, 4)),
        List.of(FieldSpec.of(SAMPLING_INTERVAL)));
    byte[] d = NetflowV9DatagramBuilder.create().sourceId(9).optionsTemplates(options)
        .data(options, RecordSpec.empty().with(SAMPLING_INTERVAL, 10), RecordSpec.empty()).build();
    ByteBuffer b = ByteBuffer.wrap(d);

    assertThat(b.getShort(2)).as("count: 1 options template + 2 options records").isEqualTo((short) 3);
    assertThat(b.getInt(16)).as("source id").isEqualTo(9);
    int set = 20;
    assertThat(b.getShort(set)).as("flowset id 1: options template").isEqualTo((short) 1);
    assertThat(b.getShort(set + 2)).as("flowset length, padded to 4").isEqualTo((short) 20);
    assertThat(b.getShort(set + 4)).as("template id").isEqualTo((short) 300);
    assertThat(b.getShort(set + 6)).as("option scope length").isEqualTo((short) 4);
    assertThat(b.getShort(set + 8)).as("option length").isEqualTo((short) 4);
    assertThat(b.getShort(set + 10)).as("scope type System").isEqualTo((short) 1);
    assertThat(d.length % 4).isZero();
  }

  @Test
  void ipfixEnterpriseFieldsCarryTheTopBitAndTheirNumber() {
    TemplateSpec t = TemplateSpec.of(256, FieldSpec.of(SOURCE_IPV4_ADDRESS), FieldSpec.of(9, 42, 2));
    byte[] d = IpfixMessageBuilder.create().observationDomain(5).exportSeconds(1_700_000_000L).templates(t).build();
    ByteBuffer b = ByteBuffer.wrap(d);

    assertThat(b.getShort(0)).as("version").isEqualTo((short) 10);
    assertThat(b.getShort(2)).as("message length").isEqualTo((short) d.length);
    assertThat(b.getInt(4)).as("export time").isEqualTo(1_700_000_000);
    assertThat(b.getInt(12)).as("observation domain").isEqualTo(5);
    int fields = 16 + 4 + 4;
    assertThat(b.getShort(fields)).as("sourceIPv4Address").isEqualTo((short) 8);
    assertThat(b.getShort(fields + 4) & 0xFFFF).as("enterprise bit + element 42").isEqualTo(0x8000 | 42);
    assertThat(b.getInt(fields + 8)).as("enterprise number").isEqualTo(9);
  }

  @Test
  void ipfixVariableLengthUsesOneLengthByteBelow255AndThreeFrom255() {
    TemplateSpec t = TemplateSpec.of(256, FieldSpec.of(APPLICATION_NAME), FieldSpec.of(OCTET_DELTA_COUNT, 1));
    byte[] templateOnly = IpfixMessageBuilder.create().templates(t).build();
    byte[] d = IpfixMessageBuilder.create().templates(t)
        .data(t, RecordSpec.empty().with(APPLICATION_NAME, "abc"),
            RecordSpec.empty().with(APPLICATION_NAME, "x".repeat(300)))
        .build();
    ByteBuffer b = ByteBuffer.wrap(d);
    int first = templateOnly.length + 4;

    assertThat(b.get(first)).as("short length").isEqualTo((byte) 3);
    int second = first + 1 + 3 + 1;
    assertThat(b.get(second) & 0xFF).as("escape").isEqualTo(255);
    assertThat(b.getShort(second + 1)).as("long length").isEqualTo((short) 300);
  }

  @Test
  void ipfixSetPaddingIsCountedInTheSetLength() {
    TemplateSpec t = TemplateSpec.of(256, FieldSpec.of(OCTET_DELTA_COUNT, 3));
    byte[] d = IpfixMessageBuilder.create().padSetsTo(8).data(t, RecordSpec.empty()).build();

    assertThat(ByteBuffer.wrap(d).getShort(16 + 2)).as("4 + 3 bytes padded to 8").isEqualTo((short) 8);
  }

  @Test
  void ipfixWithdrawAllIsTheSetIdWithFieldCountZero() {
    byte[] d = IpfixMessageBuilder.create().withdrawAllTemplates().build();
    ByteBuffer b = ByteBuffer.wrap(d);

    assertThat(b.getShort(16)).as("set id").isEqualTo((short) 2);
    assertThat(b.getShort(16 + 4)).as("template id").isEqualTo((short) 2);
    assertThat(b.getShort(16 + 6)).as("field count").isZero();
  }
}
