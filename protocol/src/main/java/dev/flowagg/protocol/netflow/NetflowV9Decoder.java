package dev.flowagg.protocol.netflow;

/** NetFlow v9 (RFC 3954): the packet header, template flowsets and options template flowsets. */
final class NetflowV9Decoder extends TemplatedDecoder {

  /** RFC 3954 §5.1: version, count, sysUptime, unix_secs, sequence, source id. */
  static final int HEADER_LENGTH = 20;

  NetflowV9Decoder(DecoderSettings settings) {
    super(9, HEADER_LENGTH, settings);
  }

  /** Decodes one export packet at {@code [offset, offset + length)}; returns the flows delivered. */
  long decode(ExporterState state, byte[] b, int offset, int length, long nowMillis, FlowSink sink) {
    if (length < HEADER_LENGTH) {
      state.counters.error(version, DecodeError.DATAGRAM_TOO_SHORT);
      return 0;
    }
    int count = BigEndian.u16(b, offset + 2);
    long sysUptime = BigEndian.u32(b, offset + 4);
    long unixSecs = BigEndian.u32(b, offset + 8);
    long sourceId = BigEndian.u32(b, offset + 16);
    begin(state, sourceId, nowMillis, unixSecs * 1000, sysUptime, sink);
    decodeSets(b, offset + HEADER_LENGTH, offset + length);
    // Records of sets still waiting for their template cannot be counted yet. RFC 3954 §5.1 counts template records
    // too, but softflowd counts flow records only; either reading is accepted.
    if (!templateMissing && recordsSeen != count && recordsSeen - nonFlowRecordsSeen != count) {
      error(DecodeError.RECORD_COUNT_MISMATCH);
    }
    return flowsDelivered;
  }

  @Override
  int templateSetId() {
    return 0;
  }

  @Override
  void readTemplateSet(byte[] b, int p, int end, boolean options) {
    if (options) {
      readOptionsTemplates(b, p, end);
    } else {
      readTemplates(b, p, end);
    }
  }

  /** RFC 3954 §5.2: template id, field count, then (type, length) pairs. */
  private void readTemplates(byte[] b, int p, int end) {
    while (end - p >= 4 && !isPadding(b, p, end)) {
      int templateId = BigEndian.u16(b, p);
      int fieldCount = BigEndian.u16(b, p + 2);
      recordsSeen++;
      nonFlowRecordsSeen++;
      if (templateId < 256) {
        error(DecodeError.TEMPLATE_ID_RESERVED);
        return;
      }
      int fieldsStart = p + 4;
      if (end - fieldsStart < 4 * fieldCount) {
        error(DecodeError.TEMPLATE_TRUNCATED);
        return;
      }
      p = fieldsStart + 4 * fieldCount;
      readFields(b, templateId, false, 0, fieldsStart, fieldCount);
    }
  }

  /** RFC 3954 §6.1: template id, scope length and option length in bytes, scope fields, option fields. */
  private void readOptionsTemplates(byte[] b, int p, int end) {
    while (end - p >= 6 && !isPadding(b, p, end)) {
      int templateId = BigEndian.u16(b, p);
      int scopeLength = BigEndian.u16(b, p + 2);
      int optionLength = BigEndian.u16(b, p + 4);
      recordsSeen++;
      nonFlowRecordsSeen++;
      if (templateId < 256) {
        error(DecodeError.TEMPLATE_ID_RESERVED);
        return;
      }
      if (scopeLength % 4 != 0 || optionLength % 4 != 0) {
        error(DecodeError.TEMPLATE_SCOPE_INVALID);
        return;
      }
      int fieldsStart = p + 6;
      if (end - fieldsStart < scopeLength + optionLength) {
        error(DecodeError.TEMPLATE_TRUNCATED);
        return;
      }
      p = fieldsStart + scopeLength + optionLength;
      readFields(b, templateId, true, scopeLength / 4, fieldsStart, (scopeLength + optionLength) / 4);
    }
  }

  private void readFields(byte[] b, int templateId, boolean options, int scopeFieldCount, int p, int fieldCount) {
    if (fieldCount > definition.capacity()) {
      error(DecodeError.TEMPLATE_TOO_MANY_FIELDS);
      return;
    }
    definition.start(templateId, options, scopeFieldCount);
    for (int i = 0; i < fieldCount; i++, p += 4) {
      definition.add(BigEndian.u16(b, p), 0, BigEndian.u16(b, p + 2));
    }
    defineTemplate();
  }
}
