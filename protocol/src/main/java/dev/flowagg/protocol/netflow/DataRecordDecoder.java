package dev.flowagg.protocol.netflow;

import dev.flowagg.protocol.net.IpAddress;

/**
 * Decodes the data records of one v9 or IPFIX data set with a compiled template: flows go to the sink, options
 * records update the domain's sampling rates and boot time. Allocates nothing per record.
 */
final class DataRecordDecoder {

  private final SamplingMode samplingMode;
  private final RecordFields fields = new RecordFields();
  private final DecodedFlow flow = new DecodedFlow();
  private int[] fieldOffsets = new int[32];
  private int[] fieldLengths = new int[32];
  /** The last set's outcome besides its record count. */
  long flowsDelivered;
  long optionsRecords;
  boolean truncated;

  DataRecordDecoder(SamplingMode samplingMode) {
    this.samplingMode = samplingMode;
  }

  /**
   * Decodes the records in {@code [start, end)}; bytes too few for another record are padding (RFC 7011 §3.3.1).
   * Returns the number of records read.
   */
  int decodeSet(IpAddress exporter, int version, long domainId, DomainState domain, CompiledTemplate t,
      byte[] b, int start, int end, long exportMillis, long v9UptimeMillis, FlowSink sink) {
    flowsDelivered = 0;
    optionsRecords = 0;
    truncated = false;
    flow.setSource(exporter, version, domainId);
    int records = 0;
    if (!t.variableLength) {
      int count = (end - start) / t.recordLength;
      if (version == 9 && t.recordLength < 4) {
        count = withoutV9Padding(b, start, end, t.recordLength, count);
      }
      for (int base = start; records < count; records++, base += t.recordLength) {
        fields.startRecord(t);
        for (int s = 0; s < t.slotCount; s++) {
          fields.read(t.slotRole[s], b, base + t.slotOffset[s], t.slotLength[s]);
        }
        complete(t, version, domain, exportMillis, v9UptimeMillis, sink);
      }
      return records;
    }
    ensureFieldCapacity(t.fieldCount);
    for (int base = start; end - base >= t.recordLength; records++) {
      int next = locateFields(t, b, base, end);
      if (next < 0) {
        truncated = true;
        break;
      }
      fields.startRecord(t);
      for (int s = 0; s < t.slotCount; s++) {
        int field = t.slotField[s];
        fields.read(t.slotRole[s], b, fieldOffsets[field], fieldLengths[field]);
      }
      complete(t, version, domain, exportMillis, v9UptimeMillis, sink);
      base = next;
    }
    return records;
  }

  /**
   * RFC 3954 §5.3: flowsets are padded to 4 bytes, so records shorter than that can be mistaken for padding; all-zero
   * records lying wholly in the last 3 bytes are taken to be padding. (IPFIX padding is shorter than any record,
   * RFC 7011 §3.3.1, so it needs no such guess.)
   */
  private static int withoutV9Padding(byte[] b, int start, int end, int recordLength, int count) {
    while (count > 0) {
      int last = start + (count - 1) * recordLength;
      if (last < end - 3 || !TemplatedDecoder.isPadding(b, last, last + recordLength)) {
        break;
      }
      count--;
    }
    return count;
  }

  /** RFC 7011 §7: finds each field of a variable-length record; returns where the next record starts, or -1. */
  private int locateFields(CompiledTemplate t, byte[] b, int base, int end) {
    int p = base;
    for (int i = 0; i < t.fieldCount; i++) {
      int length = t.lengths[i];
      if (length == InformationElement.VARIABLE_LENGTH) {
        if (p >= end) {
          return -1;
        }
        length = b[p++] & 0xFF;
        if (length == 255) {
          // RFC 7011 §7: 255 announces a 2-byte length for values of 255 bytes or more.
          if (end - p < 2) {
            return -1;
          }
          length = BigEndian.u16(b, p);
          p += 2;
        }
      }
      if (end - p < length) {
        return -1;
      }
      fieldOffsets[i] = p;
      fieldLengths[i] = length;
      p += length;
    }
    return p;
  }

  private void complete(CompiledTemplate t, int version, DomainState domain, long exportMillis, long v9UptimeMillis,
      FlowSink sink) {
    RecordFields f = fields;
    if (t.options) {
      learnFromOptions(f, domain);
      optionsRecords++;
      return;
    }
    flow.setAddresses(f.srcHigh(), f.srcLow(), f.dstHigh(), f.dstLow());
    flow.setTransport(
        (int) f.getOr(FieldRole.SOURCE_PORT, 0),
        // Cisco's v5 convention, kept by nfdump and pmacct for v9/IPFIX: ICMP type and code in the destination port.
        (int) (f.has(FieldRole.DESTINATION_PORT) ? f.get(FieldRole.DESTINATION_PORT)
            : f.getOr(FieldRole.ICMP_TYPE_CODE, 0)),
        (int) f.getOr(FieldRole.PROTOCOL, 0));
    // RFC 3954 §8: a v9 exporter may report only OUT_BYTES/OUT_PKTS.
    flow.setCounters(
        f.has(FieldRole.OCTETS) ? f.get(FieldRole.OCTETS) : f.getOr(FieldRole.OUT_OCTETS, 0),
        f.has(FieldRole.PACKETS) ? f.get(FieldRole.PACKETS) : f.getOr(FieldRole.OUT_PACKETS, 0),
        f.getOr(FieldRole.REVERSE_OCTETS, 0),
        f.getOr(FieldRole.REVERSE_PACKETS, 0));
    flow.setEndMillis(FlowEndTime.of(f, version, exportMillis, v9UptimeMillis, domain));
    double rate = f.announcedRate();
    if (rate == 0) {
      rate = domain.rateFor(f.has(FieldRole.SAMPLER_ID), f.get(FieldRole.SAMPLER_ID));
    }
    flow.applySampling(rate == 0 ? 1.0 : rate, samplingMode);
    flowsDelivered++;
    NetflowDecoder.deliver(sink, flow);
  }

  private static void learnFromOptions(RecordFields f, DomainState domain) {
    double rate = f.announcedRate();
    if (rate != 0) {
      domain.learnRate(f.has(FieldRole.SAMPLER_ID), f.get(FieldRole.SAMPLER_ID), rate);
    }
    if (f.has(FieldRole.SYSTEM_INIT_MILLISECONDS)) {
      domain.learnSystemInitMillis(f.get(FieldRole.SYSTEM_INIT_MILLISECONDS));
    }
  }

  private void ensureFieldCapacity(int fieldCount) {
    if (fieldOffsets.length < fieldCount) {
      fieldOffsets = new int[fieldCount];
      fieldLengths = new int[fieldCount];
    }
  }
}
