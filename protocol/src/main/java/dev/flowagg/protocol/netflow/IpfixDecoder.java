package dev.flowagg.protocol.netflow;

/** IPFIX (RFC 7011): the message header, template sets, options template sets and withdrawals. */
final class IpfixDecoder extends TemplatedDecoder {

  /** RFC 7011 §3.1: version, length, export time, sequence number, observation domain id. */
  static final int HEADER_LENGTH = 16;

  IpfixDecoder(DecoderSettings settings) {
    super(10, HEADER_LENGTH, settings);
  }

  /** Decodes one message at {@code [offset, offset + length)}; returns the flows delivered. */
  long decode(ExporterState state, byte[] b, int offset, int length, long nowMillis, FlowSink sink) {
    if (length < HEADER_LENGTH) {
      state.counters.error(version, DecodeError.DATAGRAM_TOO_SHORT);
      return 0;
    }
    int messageLength = BigEndian.u16(b, offset + 2);
    long exportSeconds = BigEndian.u32(b, offset + 4);
    long domain = BigEndian.u32(b, offset + 12);
    begin(state, domain, nowMillis, exportSeconds * 1000, 0, sink);
    int end = offset + length;
    if (messageLength > length) {
      error(DecodeError.DATAGRAM_TRUNCATED);
    } else if (messageLength < length) {
      error(DecodeError.MESSAGE_LENGTH_MISMATCH);
      // RFC 7011 §3.1: the message is the length its header says; what follows is not part of it.
      end = offset + Math.max(messageLength, HEADER_LENGTH);
    }
    decodeSets(b, offset + HEADER_LENGTH, end);
    return flowsDelivered;
  }

  @Override
  int templateSetId() {
    return 2;
  }

  /** RFC 7011 §3.4.1-2: template id, field count, [scope field count], field specifiers with optional enterprise number. */
  @Override
  void readTemplateSet(byte[] b, int p, int end, boolean options) {
    while (end - p >= 4 && !isPadding(b, p, end)) {
      int templateId = BigEndian.u16(b, p);
      int fieldCount = BigEndian.u16(b, p + 2);
      p += 4;
      if (fieldCount == 0) {
        withdraw(templateId, options);
        continue;
      }
      if (templateId < 256) {
        error(DecodeError.TEMPLATE_ID_RESERVED);
        return;
      }
      int scopeFieldCount = 0;
      if (options) {
        if (end - p < 2) {
          error(DecodeError.TEMPLATE_TRUNCATED);
          return;
        }
        scopeFieldCount = BigEndian.u16(b, p);
        p += 2;
      }
      boolean fits = fieldCount <= definition.capacity();
      if (fits) {
        definition.start(templateId, options, scopeFieldCount);
      }
      for (int i = 0; i < fieldCount; i++) {
        if (end - p < 4) {
          error(DecodeError.TEMPLATE_TRUNCATED);
          return;
        }
        int elementId = BigEndian.u16(b, p);
        int length = BigEndian.u16(b, p + 2);
        p += 4;
        long enterpriseNumber = 0;
        // RFC 7011 §3.2: the top bit of the element id says an enterprise number follows.
        if ((elementId & 0x8000) != 0) {
          if (end - p < 4) {
            error(DecodeError.TEMPLATE_TRUNCATED);
            return;
          }
          enterpriseNumber = BigEndian.u32(b, p);
          elementId &= 0x7FFF;
          p += 4;
        }
        if (fits) {
          definition.add(elementId, enterpriseNumber, length);
        }
      }
      if (fits) {
        defineTemplate();
      } else {
        error(DecodeError.TEMPLATE_TOO_MANY_FIELDS);
      }
    }
  }
}
