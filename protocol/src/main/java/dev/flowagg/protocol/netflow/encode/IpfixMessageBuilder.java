package dev.flowagg.protocol.netflow.encode;

import java.util.Arrays;
import java.util.List;

/**
 * Builds one IPFIX message (RFC 7011): header fields by name, then sets in the order added, withdrawals included.
 * The header length is the real length unless {@link #declaredLength} overrides it.
 */
public final class IpfixMessageBuilder implements TemplatedDatagramBuilder {

  private static final int HEADER_LENGTH = 16;
  private static final int TEMPLATE_SET = 2;
  private static final int OPTIONS_TEMPLATE_SET = 3;

  private final WireWriter w = new WireWriter();
  private long exportSeconds;
  private long sequence;
  private long observationDomain;
  private Integer declaredLength;
  private int alignment = 1;

  private IpfixMessageBuilder() {
    w.zeros(HEADER_LENGTH);
  }

  public static IpfixMessageBuilder create() {
    return new IpfixMessageBuilder();
  }

  public IpfixMessageBuilder exportSeconds(long v) {
    exportSeconds = v;
    return this;
  }

  /** RFC 7011 §3.1: data records sent before this message, modulo 2^32. */
  public IpfixMessageBuilder sequence(long v) {
    sequence = v;
    return this;
  }

  public IpfixMessageBuilder observationDomain(long v) {
    observationDomain = v;
    return this;
  }

  /** Writes this length in the header instead of the real one. */
  public IpfixMessageBuilder declaredLength(int length) {
    declaredLength = length;
    return this;
  }

  /** Pads sets added from now on to a multiple of this many bytes (RFC 7011 §3.3.1; 1: no padding, the default). */
  public IpfixMessageBuilder padSetsTo(int alignment) {
    this.alignment = alignment;
    return this;
  }

  @Override
  public IpfixMessageBuilder templates(TemplateSpec... templates) {
    return templateSet(TEMPLATE_SET, templates);
  }

  @Override
  public IpfixMessageBuilder optionsTemplates(TemplateSpec... templates) {
    return templateSet(OPTIONS_TEMPLATE_SET, templates);
  }

  /** RFC 7011 §8.1: a template set of withdrawal records (field count 0) for these template ids. */
  public IpfixMessageBuilder withdrawTemplates(int... templateIds) {
    return withdrawals(TEMPLATE_SET, templateIds);
  }

  public IpfixMessageBuilder withdrawOptionsTemplates(int... templateIds) {
    return withdrawals(OPTIONS_TEMPLATE_SET, templateIds);
  }

  /** RFC 7011 §8.1: template id 2 with field count 0 withdraws all templates of the domain. */
  public IpfixMessageBuilder withdrawAllTemplates() {
    return withdrawals(TEMPLATE_SET, TEMPLATE_SET);
  }

  public IpfixMessageBuilder withdrawAllOptionsTemplates() {
    return withdrawals(OPTIONS_TEMPLATE_SET, OPTIONS_TEMPLATE_SET);
  }

  @Override
  public IpfixMessageBuilder data(TemplateSpec template, List<RecordSpec> records) {
    int set = SetWriter.beginSet(w, template.templateId());
    SetWriter.records(w, template, records, true);
    SetWriter.endSet(w, set, alignment);
    return this;
  }

  public IpfixMessageBuilder data(TemplateSpec template, RecordSpec... records) {
    return data(template, Arrays.asList(records));
  }

  /** A set with any id and body, its length field saying {@code declaredLength}, for malformed messages. */
  public IpfixMessageBuilder rawSet(int setId, int declaredLength, byte[] body) {
    w.u16(setId).u16(declaredLength).bytes(body);
    return this;
  }

  @Override
  public int size() {
    return w.position();
  }

  @Override
  public byte[] build() {
    byte[] out = w.toByteArray();
    WireWriter header = new WireWriter();
    header.u16(10).u16(declaredLength != null ? declaredLength : out.length).u32(exportSeconds).u32(sequence)
        .u32(observationDomain);
    System.arraycopy(header.toByteArray(), 0, out, 0, HEADER_LENGTH);
    return out;
  }

  private IpfixMessageBuilder templateSet(int setId, TemplateSpec... templates) {
    int set = SetWriter.beginSet(w, setId);
    for (TemplateSpec t : templates) {
      SetWriter.ipfixTemplate(w, t);
    }
    SetWriter.endSet(w, set, alignment);
    return this;
  }

  private IpfixMessageBuilder withdrawals(int setId, int... templateIds) {
    int set = SetWriter.beginSet(w, setId);
    for (int id : templateIds) {
      w.u16(id).u16(0);
    }
    SetWriter.endSet(w, set, alignment);
    return this;
  }
}
