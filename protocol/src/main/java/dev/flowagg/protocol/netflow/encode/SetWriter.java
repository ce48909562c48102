package dev.flowagg.protocol.netflow.encode;

import dev.flowagg.protocol.net.IpAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes v9 flowsets and IPFIX sets: set headers with padding, template records and data records. */
final class SetWriter {

  private SetWriter() {}

  /** Starts a set; returns where its length goes. */
  static int beginSet(WireWriter w, int setId) {
    int at = w.position();
    w.u16(setId).u16(0);
    return at;
  }

  /** Pads the set to a multiple of {@code alignment} bytes and writes its length (RFC 7011 §3.3.1, RFC 3954 §5.3). */
  static void endSet(WireWriter w, int setStart, int alignment) {
    int length = w.position() - setStart;
    int padding = (alignment - length % alignment) % alignment;
    w.zeros(padding);
    w.patchU16(setStart + 2, length + padding);
  }

  /** RFC 3954 §5.2: template id, field count, (type, length) pairs. */
  static void v9Template(WireWriter w, TemplateSpec t) {
    w.u16(t.templateId()).u16(t.fields().size());
    for (FieldSpec f : t.fields()) {
      w.u16(f.elementId()).u16(f.length());
    }
  }

  /** RFC 3954 §6.1: template id, scope and option lengths in bytes, scope fields, option fields. */
  static void v9OptionsTemplate(WireWriter w, TemplateSpec t) {
    int scopeBytes = 4 * t.scopeFieldCount();
    int optionBytes = 4 * (t.fields().size() - t.scopeFieldCount());
    w.u16(t.templateId()).u16(scopeBytes).u16(optionBytes);
    for (FieldSpec f : t.fields()) {
      w.u16(f.elementId()).u16(f.length());
    }
  }

  /** RFC 7011 §3.4.1-2: template id, field count, scope field count for options, field specifiers. */
  static void ipfixTemplate(WireWriter w, TemplateSpec t) {
    w.u16(t.templateId()).u16(t.fields().size());
    if (t.options()) {
      w.u16(t.scopeFieldCount());
    }
    for (FieldSpec f : t.fields()) {
      if (f.enterpriseNumber() != 0) {
        // RFC 7011 §3.2: the enterprise bit, then the enterprise number.
        w.u16(0x8000 | f.elementId()).u16(f.length()).u32(f.enterpriseNumber());
      } else {
        w.u16(f.elementId()).u16(f.length());
      }
    }
  }

  static void records(WireWriter w, TemplateSpec t, List<RecordSpec> records, boolean ipfix) {
    for (RecordSpec r : records) {
      for (FieldSpec f : t.fields()) {
        value(w, f, r.valueOf(f), ipfix);
      }
    }
  }

  private static void value(WireWriter w, FieldSpec f, Object value, boolean ipfix) {
    if (f.isVariableLength() && ipfix) {
      byte[] b = switch (value) {
        case null -> new byte[0];
        case byte[] bytes -> bytes;
        case String s -> s.getBytes(StandardCharsets.UTF_8);
        default -> throw new IllegalArgumentException("a variable-length field takes bytes or text, not " + value);
      };
      // RFC 7011 §7: one length byte below 255, else 255 and two length bytes.
      if (b.length < 255) {
        w.u8(b.length);
      } else {
        w.u8(255).u16(b.length);
      }
      w.bytes(b);
      return;
    }
    int length = f.length();
    switch (value) {
      case null -> w.zeros(length);
      case Number n -> w.unsigned(n.longValue(), length);
      case IpAddress a when length == 16 -> w.u64(a.high()).u64(a.low());
      case IpAddress a when length == 4 && a.isV4() -> w.u32(a.v4Bits() & 0xFFFF_FFFFL);
      case IpAddress a -> throw new IllegalArgumentException(a + " does not fit in " + length + " bytes");
      case byte[] bytes -> fixed(w, bytes, length);
      case String s -> fixed(w, s.getBytes(StandardCharsets.UTF_8), length);
      default -> throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName());
    }
  }

  /** Exactly {@code length} bytes: cut, or padded with zeros. */
  private static void fixed(WireWriter w, byte[] b, int length) {
    int n = Math.min(b.length, length);
    for (int i = 0; i < n; i++) {
      w.u8(b[i]);
    }
    w.zeros(length - n);
  }
}
