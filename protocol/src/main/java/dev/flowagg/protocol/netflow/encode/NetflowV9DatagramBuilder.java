package dev.flowagg.protocol.netflow.encode;

import java.util.Arrays;
import java.util.List;

/**
 * Builds one NetFlow v9 export packet (RFC 3954): header fields by name, then flowsets in the order added, each
 * padded to 4 bytes. The header count is the number of records written unless {@link #declaredCount} overrides it.
 */
public final class NetflowV9DatagramBuilder implements TemplatedDatagramBuilder {

  private static final int HEADER_LENGTH = 20;

  private final WireWriter w = new WireWriter();
  private long sysUptimeMillis;
  private long unixSeconds;
  private long sequence;
  private long sourceId;
  private int records;
  private Integer declaredCount;
  private int alignment = 4;

  private NetflowV9DatagramBuilder() {
    w.zeros(HEADER_LENGTH);
  }

  public static NetflowV9DatagramBuilder create() {
    return new NetflowV9DatagramBuilder();
  }

  public NetflowV9DatagramBuilder sysUptimeMillis(long v) {
    sysUptimeMillis = v;
    return this;
  }

  public NetflowV9DatagramBuilder unixSeconds(long v) {
    unixSeconds = v;
    return this;
  }

  public NetflowV9DatagramBuilder sequence(long v) {
    sequence = v;
    return this;
  }

  public NetflowV9DatagramBuilder sourceId(long v) {
    sourceId = v;
    return this;
  }

  /** Writes this count in the header instead of the real number of records. */
  public NetflowV9DatagramBuilder declaredCount(int count) {
    declaredCount = count;
    return this;
  }

  /** Pads flowsets added from now on to a multiple of this many bytes (1: no padding). */
  public NetflowV9DatagramBuilder padSetsTo(int alignment) {
    this.alignment = alignment;
    return this;
  }

  @Override
  public NetflowV9DatagramBuilder templates(TemplateSpec... templates) {
    int set = SetWriter.beginSet(w, 0);
    for (TemplateSpec t : templates) {
      SetWriter.v9Template(w, t);
    }
    records += templates.length;
    SetWriter.endSet(w, set, alignment);
    return this;
  }

  @Override
  public NetflowV9DatagramBuilder optionsTemplates(TemplateSpec... templates) {
    int set = SetWriter.beginSet(w, 1);
    for (TemplateSpec t : templates) {
      SetWriter.v9OptionsTemplate(w, t);
    }
    records += templates.length;
    SetWriter.endSet(w, set, alignment);
    return this;
  }

  @Override
  public NetflowV9DatagramBuilder data(TemplateSpec template, List<RecordSpec> records) {
    int set = SetWriter.beginSet(w, template.templateId());
    SetWriter.records(w, template, records, false);
    this.records += records.size();
    SetWriter.endSet(w, set, alignment);
    return this;
  }

  public NetflowV9DatagramBuilder data(TemplateSpec template, RecordSpec... records) {
    return data(template, Arrays.asList(records));
  }

  /** A flowset with any id and body, its length field saying {@code declaredLength}, for malformed packets. */
  public NetflowV9DatagramBuilder rawSet(int setId, int declaredLength, byte[] body) {
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
    header.u16(9).u16(declaredCount != null ? declaredCount : records).u32(sysUptimeMillis).u32(unixSeconds)
        .u32(sequence).u32(sourceId);
    System.arraycopy(header.toByteArray(), 0, out, 0, HEADER_LENGTH);
    return out;
  }
}
