package dev.flowagg.protocol.netflow;

import static dev.flowagg.protocol.netflow.InformationElement.APPLICATION_NAME;
import static dev.flowagg.protocol.netflow.InformationElement.OBSERVATION_DOMAIN_ID;
import static dev.flowagg.protocol.netflow.InformationElement.OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLING_INTERVAL;
import static dev.flowagg.protocol.netflow.InformationElement.SOURCE_IPV4_ADDRESS;
import static dev.flowagg.protocol.netflow.TestDatagrams.EXPORTER;
import static dev.flowagg.protocol.netflow.TestDatagrams.FLOW_TEMPLATE;
import static dev.flowagg.protocol.netflow.TestDatagrams.decode;
import static dev.flowagg.protocol.netflow.TestDatagrams.flow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.netflow.encode.FieldSpec;
import dev.flowagg.protocol.netflow.encode.IpfixMessageBuilder;
import dev.flowagg.protocol.netflow.encode.NetflowV5DatagramBuilder;
import dev.flowagg.protocol.netflow.encode.NetflowV9DatagramBuilder;
import dev.flowagg.protocol.netflow.encode.RecordSpec;
import dev.flowagg.protocol.netflow.encode.TemplateSpec;
import dev.flowagg.protocol.netflow.encode.V9ScopeType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a datagram can be broken is counted once under its reason, and never throws. */
class MalformedDatagramTest {

  private static final int V5_HEADER = 24;
  private static final int V5_UNIX_SECS = 8;
  private static final int V5_UNIX_NSECS = 12;
  /** Offsets of a v5 record's First and Last (uptime at its first and last packet). */
  private static final int V5_FIRST = 24;
  private static final int V5_LAST = 28;
  private static final int V9_HEADER = 20;
  private static final int IPFIX_HEADER = 16;
  private static final int SET_HEADER = 4;
  /** Offset of a template record's field count (v9, IPFIX) or an options template's scope length (v9). */
  private static final int TEMPLATE_SECOND_WORD = 2;

  /** A plausible v5 header: exported at 2026-01-01T00:00Z by an exporter up for 10 s. */
  private static NetflowV5DatagramBuilder v5() {
    return NetflowV5DatagramBuilder.create().sysUptimeMillis(10_000).exportTimeMillis(TestDatagrams.EXPORT_MILLIS);
  }

  private static NetflowV9DatagramBuilder v9() {
    return NetflowV9DatagramBuilder.create();
  }

  private static IpfixMessageBuilder ipfix() {
    return IpfixMessageBuilder.create();
  }

  /** The datagram with the 16-bit field at {@code offset} overwritten. */
  private static byte[] withU16(byte[] datagram, int offset, int value) {
    byte[] copy = datagram.clone();
    ByteBuffer.wrap(copy).putShort(offset, (short) value);
    return copy;
  }

  private static byte[] withU32(byte[] datagram, int offset, long value) {
    byte[] copy = datagram.clone();
    ByteBuffer.wrap(copy).putInt(offset, (int) value);
    return copy;
  }

  private static byte[] withU8(byte[] datagram, int offset, int value) {
    byte[] copy = datagram.clone();
    copy[offset] = (byte) value;
    return copy;
  }

  /** A template record header alone: template id and field count, no fields. */
  private static byte[] templateHeader(int templateId, int fieldCount) {
    return ByteBuffer.allocate(4).putShort((short) templateId).putShort((short) fieldCount).array();
  }

  private static TemplateSpec templateOfFields(int count) {
    return TemplateSpec.of(256, Collections.nCopies(count, FieldSpec.of(OCTET_DELTA_COUNT, 1)));
  }

  private static final TemplateSpec VARIABLE = TemplateSpec.of(256, FieldSpec.of(APPLICATION_NAME),
      FieldSpec.of(OCTET_DELTA_COUNT));

  /** An IPFIX message whose first data record's variable-length prefix is overwritten. */
  private static byte[] variableLengthRecordClaiming(int... prefix) {
    byte[] templateOnly = ipfix().templates(VARIABLE).build();
    byte[] full = ipfix().templates(VARIABLE)
        .data(VARIABLE, RecordSpec.empty().with(APPLICATION_NAME, "abc").with(OCTET_DELTA_COUNT, 1)).build();
    int prefixAt = templateOnly.length + SET_HEADER;
    byte[] out = full;
    for (int i = 0; i < prefix.length; i++) {
      out = withU8(out, prefixAt + i, prefix[i]);
    }
    return out;
  }

  static Stream<Arguments> malformed() {
    List<Arguments> cases = new ArrayList<>();
    byte[] v5 = v5().record(r -> r.octets(1).firstUptimeMillis(9_000).lastUptimeMillis(9_500)).build();
    byte[] v9Template = v9().templates(FLOW_TEMPLATE).build();
    byte[] ipfixTemplate = ipfix().templates(FLOW_TEMPLATE).build();
    byte[] v9Options = v9().optionsTemplates(TemplateSpec.options(256,
        List.of(FieldSpec.v9Scope(V9ScopeType.SYSTEM, 4)), List.of(FieldSpec.of(SAMPLING_INTERVAL)))).build();

    cases.add(Arguments.of("empty datagram", new byte[0], 0, DecodeError.DATAGRAM_TOO_SHORT));
    cases.add(Arguments.of("one byte", new byte[] {0}, 0, DecodeError.DATAGRAM_TOO_SHORT));
    cases.add(Arguments.of("version 7", withU16(v5, 0, 7), 0, DecodeError.UNKNOWN_VERSION));
    cases.add(Arguments.of("version 0xFFFF", withU16(v5, 0, 0xFFFF), 0, DecodeError.UNKNOWN_VERSION));

    cases.add(Arguments.of("v5 header cut", Arrays.copyOf(v5, 20), 5, DecodeError.DATAGRAM_TOO_SHORT));
    cases.add(Arguments.of("v5 record cut", Arrays.copyOf(v5, v5.length - 10), 5, DecodeError.DATAGRAM_TRUNCATED));
    NetflowV5DatagramBuilder thirtyOne = v5();
    for (int i = 0; i < 31; i++) {
      thirtyOne.record(r -> r.octets(1));
    }
    cases.add(Arguments.of("v5 with 31 records", thirtyOne.build(), 5, DecodeError.RECORD_COUNT_MISMATCH));
    cases.add(Arguments.of("v5 with no records", v5().build(), 5, DecodeError.RECORD_COUNT_MISMATCH));
    cases.add(Arguments.of("v5 count says 2 of 1", withU16(v5, 2, 2), 5, DecodeError.DATAGRAM_TRUNCATED));
    cases.add(Arguments.of("v5 a byte past its record", Arrays.copyOf(v5, v5.length + 1), 5,
        DecodeError.MESSAGE_LENGTH_MISMATCH));
    cases.add(Arguments.of("v5 nanoseconds of a whole second", withU32(v5, V5_UNIX_NSECS, 1_000_000_000L), 5,
        DecodeError.EXPORT_TIME_IMPLAUSIBLE));
    cases.add(Arguments.of("v5 clock never set", withU32(v5, V5_UNIX_SECS, 0), 5, DecodeError.EXPORT_TIME_IMPLAUSIBLE));
    cases.add(Arguments.of("v5 record ending 101 s after the export", withU32(v5, V5_HEADER + V5_LAST, 111_000), 5,
        DecodeError.RECORD_TIME_IMPLAUSIBLE));
    cases.add(Arguments.of("v5 record starting after it ends", withU32(v5, V5_HEADER + V5_FIRST, 9_501), 5,
        DecodeError.RECORD_TIME_IMPLAUSIBLE));

    cases.add(Arguments.of("v9 header cut", Arrays.copyOf(v9Template, 19), 9, DecodeError.DATAGRAM_TOO_SHORT));
    cases.add(Arguments.of("v9 count lies", withU16(v9Template, 2, 9), 9, DecodeError.RECORD_COUNT_MISMATCH));
    cases.add(Arguments.of("v9 zero-length flowset", v9().rawSet(256, 0, new byte[8]).build(), 9,
        DecodeError.SET_LENGTH_TOO_SHORT));
    cases.add(Arguments.of("v9 flowset length 3", v9().rawSet(256, 3, new byte[8]).build(), 9,
        DecodeError.SET_LENGTH_TOO_SHORT));
    cases.add(Arguments.of("v9 flowset past the end", v9().rawSet(256, 1000, new byte[8]).build(), 9,
        DecodeError.SET_LENGTH_PAST_END));
    cases.add(Arguments.of("v9 flowset id 5", v9().rawSet(5, 12, new byte[8]).build(), 9,
        DecodeError.RESERVED_SET_ID));
    cases.add(Arguments.of("v9 template field count past its flowset",
        withU16(v9Template, V9_HEADER + SET_HEADER + TEMPLATE_SECOND_WORD, 50), 9, DecodeError.TEMPLATE_TRUNCATED));
    cases.add(Arguments.of("v9 template id 200", v9().templates(TemplateSpec.of(200, OCTET_DELTA_COUNT)).build(), 9,
        DecodeError.TEMPLATE_ID_RESERVED));
    cases.add(Arguments.of("v9 template without fields", v9().templates(TemplateSpec.of(256, List.of())).build(), 9,
        DecodeError.TEMPLATE_NO_FIELDS));
    cases.add(Arguments.of("v9 options template without fields",
        v9().optionsTemplates(TemplateSpec.options(256, List.of(), List.of())).build(), 9,
        DecodeError.TEMPLATE_NO_FIELDS));
    cases.add(Arguments.of("v9 template of 10 000 fields", v9().templates(templateOfFields(10_000)).build(), 9,
        DecodeError.TEMPLATE_TOO_MANY_FIELDS));
    cases.add(Arguments.of("v9 options scope length of 3 bytes",
        withU16(v9Options, V9_HEADER + SET_HEADER + TEMPLATE_SECOND_WORD, 3), 9, DecodeError.TEMPLATE_SCOPE_INVALID));
    cases.add(Arguments.of("v9 field of length 0",
        v9().templates(TemplateSpec.of(256, FieldSpec.of(OCTET_DELTA_COUNT, 0))).build(), 9,
        DecodeError.TEMPLATE_FIELD_LENGTH_INVALID));
    cases.add(Arguments.of("v9 variable-length field",
        v9().templates(TemplateSpec.of(256, FieldSpec.of(APPLICATION_NAME))).build(), 9,
        DecodeError.TEMPLATE_FIELD_LENGTH_INVALID));
    cases.add(Arguments.of("v9 field of 60 000 bytes",
        v9().templates(TemplateSpec.of(256, FieldSpec.of(0, 999, 60_000), FieldSpec.of(0, 998, 10_000))).build(), 9,
        DecodeError.TEMPLATE_RECORD_TOO_LONG));
    cases.add(Arguments.of("v9 address of 5 bytes",
        v9().templates(TemplateSpec.of(256, FieldSpec.of(SOURCE_IPV4_ADDRESS, 5))).build(), 9,
        DecodeError.FIELD_LENGTH_UNSUPPORTED));
    cases.add(Arguments.of("v9 counter of 9 bytes",
        v9().templates(TemplateSpec.of(256, FieldSpec.of(OCTET_DELTA_COUNT, 9))).build(), 9,
        DecodeError.FIELD_LENGTH_UNSUPPORTED));

    cases.add(Arguments.of("IPFIX header cut", Arrays.copyOf(ipfixTemplate, 15), 10, DecodeError.DATAGRAM_TOO_SHORT));
    cases.add(Arguments.of("IPFIX length beyond the datagram", ipfix().templates(FLOW_TEMPLATE).declaredLength(500)
        .build(), 10, DecodeError.DATAGRAM_TRUNCATED));
    cases.add(Arguments.of("IPFIX length below the header", ipfix().templates(FLOW_TEMPLATE).declaredLength(3)
        .build(), 10, DecodeError.MESSAGE_LENGTH_MISMATCH));
    cases.add(Arguments.of("IPFIX zero-length set", ipfix().rawSet(256, 0, new byte[8]).build(), 10,
        DecodeError.SET_LENGTH_TOO_SHORT));
    cases.add(Arguments.of("IPFIX set past the end", ipfix().rawSet(2, 400, new byte[8]).build(), 10,
        DecodeError.SET_LENGTH_PAST_END));
    cases.add(Arguments.of("IPFIX set id 1", ipfix().rawSet(1, 12, new byte[8]).build(), 10,
        DecodeError.RESERVED_SET_ID));
    cases.add(Arguments.of("IPFIX set id 4", ipfix().rawSet(4, 12, new byte[8]).build(), 10,
        DecodeError.RESERVED_SET_ID));
    cases.add(Arguments.of("IPFIX template field count past its set",
        withU16(ipfixTemplate, IPFIX_HEADER + SET_HEADER + TEMPLATE_SECOND_WORD, 50), 10,
        DecodeError.TEMPLATE_TRUNCATED));
    cases.add(Arguments.of("IPFIX options template cut before its scope count",
        ipfix().rawSet(3, SET_HEADER + 4, templateHeader(256, 2)).build(), 10, DecodeError.TEMPLATE_TRUNCATED));
    cases.add(Arguments.of("IPFIX enterprise number cut",
        ipfix().rawSet(2, SET_HEADER + 8, ByteBuffer.allocate(8).putShort((short) 256).putShort((short) 1)
            .putShort((short) 0x8001).putShort((short) 4).array()).build(), 10, DecodeError.TEMPLATE_TRUNCATED));
    cases.add(Arguments.of("IPFIX template id 255", ipfix().templates(TemplateSpec.of(255, OCTET_DELTA_COUNT))
        .build(), 10, DecodeError.TEMPLATE_ID_RESERVED));
    cases.add(Arguments.of("IPFIX withdrawal of template id 100", ipfix().withdrawTemplates(100).build(), 10,
        DecodeError.TEMPLATE_ID_RESERVED));
    cases.add(Arguments.of("IPFIX template of 10 000 fields", ipfix().templates(templateOfFields(10_000)).build(), 10,
        DecodeError.TEMPLATE_TOO_MANY_FIELDS));
    cases.add(Arguments.of("IPFIX options template with no scope",
        ipfix().optionsTemplates(new TemplateSpec(256, 0, true, List.of(FieldSpec.of(SAMPLING_INTERVAL)))).build(),
        10, DecodeError.TEMPLATE_SCOPE_INVALID));
    cases.add(Arguments.of("IPFIX options scope longer than the fields",
        ipfix().optionsTemplates(new TemplateSpec(256, 3, true,
            List.of(FieldSpec.of(OBSERVATION_DOMAIN_ID), FieldSpec.of(SAMPLING_INTERVAL)))).build(),
        10, DecodeError.TEMPLATE_SCOPE_INVALID));
    cases.add(Arguments.of("IPFIX field of length 0",
        ipfix().templates(TemplateSpec.of(256, FieldSpec.of(OCTET_DELTA_COUNT, 0))).build(), 10,
        DecodeError.TEMPLATE_FIELD_LENGTH_INVALID));
    cases.add(Arguments.of("IPFIX field of 65 534 bytes",
        ipfix().templates(TemplateSpec.of(256, FieldSpec.of(0, 999, 65_534))).build(), 10,
        DecodeError.TEMPLATE_RECORD_TOO_LONG));
    cases.add(Arguments.of("IPFIX variable-length address",
        ipfix().templates(TemplateSpec.of(256, FieldSpec.of(SOURCE_IPV4_ADDRESS, 65535))).build(), 10,
        DecodeError.FIELD_LENGTH_UNSUPPORTED));
    cases.add(Arguments.of("IPFIX variable length past the set", variableLengthRecordClaiming(200), 10,
        DecodeError.RECORD_TRUNCATED));
    cases.add(Arguments.of("IPFIX three-byte variable length past the set", variableLengthRecordClaiming(255, 3, 232),
        10, DecodeError.RECORD_TRUNCATED));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void isCountedUnderItsReason(String name, byte[] datagram, int version, DecodeError reason) {
    NetflowDecoder decoder = new NetflowDecoder();
    CollectingSink sink = new CollectingSink();

    decode(decoder, datagram, sink);

    assertThat(decoder.stats().of(EXPORTER, version).errors()).isEqualTo(Map.of(reason, 1L));
    assertThat(decoder.stats().of(EXPORTER, version).datagrams()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void leavesTheDecoderAbleToDecodeTheNextDatagram(String name, byte[] datagram, int version, DecodeError reason) {
    NetflowDecoder decoder = new NetflowDecoder();
    decode(decoder, datagram, flow -> {});
    CollectingSink sink = new CollectingSink();

    decode(decoder, ipfix().templates(FLOW_TEMPLATE).data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 5)).build(),
        sink);
    decode(decoder, v9().templates(FLOW_TEMPLATE).data(FLOW_TEMPLATE, flow("10.0.0.1", "10.0.0.2", 6)).build(), sink);

    assertThat(sink.bytes()).containsExactly(5L, 6L);
  }
}
