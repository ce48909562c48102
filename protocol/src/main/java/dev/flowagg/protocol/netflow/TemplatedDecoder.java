package dev.flowagg.protocol.netflow;

import dev.flowagg.protocol.netflow.ExporterCounters.Counter;
import java.util.Arrays;
import java.util.List;

/**
 * What NetFlow v9 and IPFIX share after their headers: walking the sets, defining templates, decoding data sets
 * with them, and keeping data that arrives before its template until the template comes.
 *
 * <p>Holds the context of the datagram being decoded in fields, so one instance serves one thread.
 */
abstract sealed class TemplatedDecoder permits NetflowV9Decoder, IpfixDecoder {

  private static final int SET_HEADER_LENGTH = 4;

  final int version;
  final TemplateDefinition definition;
  private final DataRecordDecoder records;
  private final int maxRecordLength;

  ExporterState exporter;
  long domainId;
  private DomainState domain;
  private long nowMillis;
  private long exportMillis;
  private long v9UptimeMillis;
  private FlowSink sink;
  /** Records in this datagram, templates included (RFC 3954 §5.1 count); late ones are not. */
  int recordsSeen;
  /** Template, options template and options data records among {@link #recordsSeen}. */
  int nonFlowRecordsSeen;
  /** True once a data set of this datagram could not be decoded for want of its template. */
  boolean templateMissing;
  long flowsDelivered;

  TemplatedDecoder(int version, int headerLength, DecoderSettings settings) {
    this.version = version;
    this.definition = new TemplateDefinition(settings.maxFieldsPerTemplate());
    this.records = new DataRecordDecoder(settings.samplingMode());
    this.maxRecordLength = 65535 - headerLength - SET_HEADER_LENGTH;
  }

  /** The set id of template sets; the one after it is options templates (v9: 0 and 1, IPFIX: 2 and 3). */
  abstract int templateSetId();

  /** Reads the template or options template records of one set in {@code [p, end)}. */
  abstract void readTemplateSet(byte[] b, int p, int end, boolean options);

  void begin(ExporterState exporter, long domainId, long nowMillis, long exportMillis, long v9UptimeMillis,
      FlowSink sink) {
    this.exporter = exporter;
    this.domainId = domainId;
    this.domain = null;
    this.nowMillis = nowMillis;
    this.exportMillis = exportMillis;
    this.v9UptimeMillis = v9UptimeMillis;
    this.sink = sink;
    this.recordsSeen = 0;
    this.nonFlowRecordsSeen = 0;
    this.templateMissing = false;
    this.flowsDelivered = 0;
  }

  /** RFC 7011 §3.3.2 / RFC 3954 §5.2: walks the sets of {@code [p, end)}; fewer than 4 trailing bytes are padding. */
  void decodeSets(byte[] b, int p, int end) {
    while (end - p >= SET_HEADER_LENGTH) {
      int setId = BigEndian.u16(b, p);
      int setLength = BigEndian.u16(b, p + 2);
      if (setLength < SET_HEADER_LENGTH) {
        error(DecodeError.SET_LENGTH_TOO_SHORT);
        return;
      }
      if (setLength > end - p) {
        error(DecodeError.SET_LENGTH_PAST_END);
        return;
      }
      int body = p + SET_HEADER_LENGTH;
      int setEnd = p + setLength;
      if (setId >= 256) {
        decodeDataSet(setId, b, body, setEnd);
      } else if (setId == templateSetId()) {
        readTemplateSet(b, body, setEnd, false);
      } else if (setId == templateSetId() + 1) {
        readTemplateSet(b, body, setEnd, true);
      } else {
        error(DecodeError.RESERVED_SET_ID);
      }
      p = setEnd;
    }
  }

  /** Stores the template in {@link #definition}, refreshing it when unchanged, then decodes data that waited for it. */
  void defineTemplate() {
    DecodeError problem = definition.problem(version, maxRecordLength);
    if (problem != null) {
      error(problem);
      return;
    }
    int templateId = definition.templateId;
    CompiledTemplate template = exporter.templates.peek(version, domainId, templateId);
    if (template != null && template.sameAs(definition)) {
      template.lastSeenMillis = nowMillis;
    } else {
      template = CompiledTemplate.compile(version, definition, nowMillis);
      if (!exporter.templates.store(version, domainId, template)) {
        error(DecodeError.TEMPLATE_LIMIT_REACHED);
        return;
      }
      if (template.unsupportedFields > 0) {
        error(DecodeError.FIELD_LENGTH_UNSUPPORTED);
      }
    }
    exporter.counters.add(version, Counter.TEMPLATES, 1);
    if (!exporter.pending.isEmpty()) {
      decodeWaitingSets(template);
    }
  }

  /** RFC 7011 §8.1: withdraws one template, or with the set's own id as template id, all of that kind. */
  void withdraw(int templateId, boolean options) {
    int removed;
    if (templateId == templateSetId() + (options ? 1 : 0)) {
      removed = exporter.templates.withdrawAll(version, domainId, options);
    } else if (templateId >= 256) {
      removed = exporter.templates.withdraw(version, domainId, templateId) ? 1 : 0;
    } else {
      error(DecodeError.TEMPLATE_ID_RESERVED);
      return;
    }
    exporter.counters.add(version, Counter.TEMPLATES_WITHDRAWN, removed);
  }

  void error(DecodeError e) {
    exporter.counters.error(version, e);
  }

  /** True when {@code [p, end)} holds only zero bytes: padding at the end of a template set. */
  static boolean isPadding(byte[] b, int p, int end) {
    for (int i = p; i < end; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private void decodeDataSet(int templateId, byte[] b, int start, int end) {
    CompiledTemplate template = exporter.templates.find(version, domainId, templateId, nowMillis);
    if (template == null) {
      templateMissing = true;
      if (end > start) {
        exporter.pending.offer(new PendingSet(version, domainId, templateId, nowMillis, exportMillis, v9UptimeMillis,
            Arrays.copyOfRange(b, start, end)));
      }
      return;
    }
    recordsSeen += decodeRecords(template, b, start, end, exportMillis, v9UptimeMillis);
    nonFlowRecordsSeen += (int) records.optionsRecords;
  }

  private void decodeWaitingSets(CompiledTemplate template) {
    List<PendingSet> waiting = exporter.pending.takeMatching(version, domainId, template.templateId, nowMillis);
    for (PendingSet s : waiting) {
      decodeRecords(template, s.records(), 0, s.records().length, s.exportMillis(), s.sysUptimeMillis());
    }
  }

  private int decodeRecords(CompiledTemplate template, byte[] b, int start, int end, long exportMillis,
      long v9UptimeMillis) {
    if (domain == null) {
      domain = exporter.domain(version, domainId);
    }
    int n = records.decodeSet(exporter.address, version, domainId, domain, template, b, start, end, exportMillis,
        v9UptimeMillis, sink);
    flowsDelivered += records.flowsDelivered;
    exporter.counters.add(version, Counter.FLOWS, records.flowsDelivered);
    exporter.counters.add(version, Counter.OPTIONS_RECORDS, records.optionsRecords);
    if (records.truncated) {
      error(DecodeError.RECORD_TRUNCATED);
    }
    return n;
  }
}
