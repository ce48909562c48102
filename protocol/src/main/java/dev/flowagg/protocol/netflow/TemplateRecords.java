package dev.flowagg.protocol.netflow;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finds the template records (and IPFIX withdrawals) in NetFlow v9 and IPFIX datagrams without decoding them, and
 * builds template-only datagrams from such records, so a template one node received can be handed to a decoder that
 * never heard from that exporter.
 *
 * <p>The walk reads only set headers and template headers; malformed input simply ends it (the decoder counts the
 * error when it sees the same datagram).
 */
public final class TemplateRecords {

  private static final int V9_HEADER = 20;
  private static final int IPFIX_HEADER = 16;
  private static final int SET_HEADER = 4;
  /** Room for the header within one UDP payload, with margin. */
  private static final int MAX_DATAGRAM = 60_000;

  private TemplateRecords() {}

  /**
   * One template or options template record exactly as exported (header and field specifiers), or an IPFIX
   * withdrawal ({@code template id, 0}), with its scope: version and observation domain (v9 source id).
   */
  public record TemplateRecord(int version, long domainId, int templateId, boolean options, byte[] bytes) {

    /** RFC 7011 §8.1: a template record with no fields withdraws the template. */
    public boolean isWithdrawal() {
      return bytes.length == 4 && u16(bytes, 2) == 0;
    }

    /** A withdrawal of this template, in its own format (IPFIX only; RFC 3954 has none). */
    public static TemplateRecord withdrawal(long domainId, int templateId, boolean options) {
      byte[] bytes = {(byte) (templateId >>> 8), (byte) templateId, 0, 0};
      return new TemplateRecord(10, domainId, templateId, options, bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TemplateRecord r && r.version == version && r.domainId == domainId
          && r.templateId == templateId && r.options == options && Arrays.equals(r.bytes, bytes);
    }

    @Override
    public int hashCode() {
      int scope = Integer.hashCode(version) * 31 + Long.hashCode(domainId);
      return (scope * 31 + templateId) * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "TemplateRecord[v" + version + " domain " + domainId + " id " + templateId + (options ? " options" : "")
          + (isWithdrawal() ? " withdrawn" : " " + bytes.length + " bytes") + "]";
    }
  }

  /** True when the datagram is v9 or IPFIX, the versions that carry templates. */
  public static boolean isTemplated(ByteBuffer datagram) {
    if (datagram.remaining() < 2) {
      return false;
    }
    int version = u16(datagram, datagram.position());
    return version == 9 || version == 10;
  }

  /** Where the sets of a v9 or IPFIX datagram are: {@code [start, end)}, and its scope. */
  private record Sets(int version, long domain, int start, int end, int templateSet) {}

  private static Sets sets(ByteBuffer datagram) {
    int start = datagram.position();
    int end = datagram.limit();
    if (end - start < 2) {
      return null;
    }
    int version = u16(datagram, start);
    if (version == 9 && end - start >= V9_HEADER) {
      return new Sets(9, u32(datagram, start + 16), start + V9_HEADER, end, 0);
    }
    if (version == 10 && end - start >= IPFIX_HEADER) {
      // RFC 7011 §3.1: the message is the length its header says.
      int messageEnd = Math.min(end, start + Math.max(u16(datagram, start + 2), IPFIX_HEADER));
      return new Sets(10, u32(datagram, start + 12), start + IPFIX_HEADER, messageEnd, 2);
    }
    return null;
  }

  /** Receives the body of one data set. */
  public interface DataSetConsumer {
    void accept(int version, long domainId, int setId, byte[] body);
  }

  /** Tells which data sets are wanted, by scope and set id (= template id). */
  public interface DataSetFilter {
    boolean wanted(int version, long domainId, int setId);
  }

  /** Hands the bodies of the wanted data sets (options data, for instance) to {@code out}, in order. */
  public static void scanDataSets(ByteBuffer datagram, DataSetFilter filter, DataSetConsumer out) {
    Sets sets = sets(datagram);
    if (sets == null) {
      return;
    }
    int p = sets.start();
    while (sets.end() - p >= SET_HEADER) {
      int setId = u16(datagram, p);
      int setLength = u16(datagram, p + 2);
      if (setLength < SET_HEADER || setLength > sets.end() - p) {
        return;
      }
      if (setId >= 256 && filter.wanted(sets.version(), sets.domain(), setId)) {
        out.accept(sets.version(), sets.domain(), setId, copy(datagram, p + SET_HEADER, setLength - SET_HEADER));
      }
      p += setLength;
    }
  }

  /** Hands every template, options template and withdrawal record of the datagram to {@code out}, in order. */
  public static void scan(ByteBuffer datagram, Consumer<TemplateRecord> out) {
    Sets sets = sets(datagram);
    if (sets == null) {
      return;
    }
    int p = sets.start();
    int end = sets.end();
    while (end - p >= SET_HEADER) {
      int setId = u16(datagram, p);
      int setLength = u16(datagram, p + 2);
      if (setLength < SET_HEADER || setLength > end - p) {
        return;
      }
      if (setId == sets.templateSet() || setId == sets.templateSet() + 1) {
        boolean options = setId != sets.templateSet();
        if (sets.version() == 9) {
          scanV9Set(datagram, p + SET_HEADER, p + setLength, sets.domain(), options, out);
        } else {
          scanIpfixSet(datagram, p + SET_HEADER, p + setLength, sets.domain(), options, out);
        }
      }
      p += setLength;
    }
  }

  /** RFC 3954 §5.2 and §6.1: templates are id, count, fields; options templates id, scope length, option length. */
  private static void scanV9Set(
      ByteBuffer b, int p, int end, long domain, boolean options, Consumer<TemplateRecord> out) {
    int header = options ? 6 : 4;
    while (end - p >= header && !isPadding(b, p, end)) {
      int templateId = u16(b, p);
      int length = options ? header + u16(b, p + 2) + u16(b, p + 4) : header + 4 * u16(b, p + 2);
      if (templateId < 256 || length > end - p) {
        return;
      }
      out.accept(new TemplateRecord(9, domain, templateId, options, copy(b, p, length)));
      p += length;
    }
  }

  /** RFC 7011 §3.4: id, field count, [scope field count], field specifiers (8 bytes with an enterprise number). */
  private static void scanIpfixSet(
      ByteBuffer b, int p, int end, long domain, boolean options, Consumer<TemplateRecord> out) {
    while (end - p >= 4 && !isPadding(b, p, end)) {
      int templateId = u16(b, p);
      int fieldCount = u16(b, p + 2);
      int q = p + 4;
      if (fieldCount > 0) {
        if (templateId < 256) {
          return;
        }
        q += options ? 2 : 0;
        for (int i = 0; i < fieldCount; i++) {
          if (end - q < 4) {
            return;
          }
          q += (u16(b, q) & 0x8000) != 0 ? 8 : 4;
        }
        if (q > end) {
          return;
        }
      }
      out.accept(new TemplateRecord(10, domain, templateId, options, copy(b, p, q - p)));
      p = q;
    }
  }

  /**
   * Template-only datagrams carrying these records, all of one version and domain, as the exporter would send them
   * (one template set and one options template set each); v9 withdrawals do not exist and are left out.
   */
  public static List<byte[]> datagrams(int version, long domainId, long exportSeconds, List<TemplateRecord> records) {
    return datagrams(version, domainId, exportSeconds, records, Map.of());
  }

  /**
   * As {@link #datagrams(int, long, long, List)}, each template followed in its datagram by the data set given for
   * its id (the body of an options data set, say), so a decoder reads the data with the template just defined.
   */
  public static List<byte[]> datagrams(
      int version, long domainId, long exportSeconds, List<TemplateRecord> records, Map<Integer, byte[]> dataSets) {
    List<byte[]> out = new ArrayList<>();
    List<TemplateRecord> chunk = new ArrayList<>();
    int size = 0;
    for (TemplateRecord r : records) {
      if (r.version() != version || r.domainId() != domainId) {
        throw new IllegalArgumentException("records of one version and domain only: " + r);
      }
      if (version == 9 && r.isWithdrawal()) {
        continue;
      }
      byte[] data = dataSets.get(r.templateId());
      int bytes = r.bytes().length + (data == null ? 0 : SET_HEADER + data.length);
      if (size + bytes > MAX_DATAGRAM && !chunk.isEmpty()) {
        out.add(datagram(version, domainId, exportSeconds, chunk, dataSets));
        chunk = new ArrayList<>();
        size = 0;
      }
      chunk.add(r);
      size += bytes;
    }
    if (!chunk.isEmpty()) {
      out.add(datagram(version, domainId, exportSeconds, chunk, dataSets));
    }
    return out;
  }

  private static byte[] datagram(
      int version, long domainId, long exportSeconds, List<TemplateRecord> records, Map<Integer, byte[]> dataSets) {
    int header = version == 9 ? V9_HEADER : IPFIX_HEADER;
    int templateSet = version == 9 ? 0 : 2;
    int length = header;
    for (boolean options : new boolean[] {false, true}) {
      int body = bodyLength(records, options);
      length += body == 0 ? 0 : SET_HEADER + body;
    }
    List<TemplateRecord> withData =
        records.stream().filter(r -> !r.isWithdrawal() && dataSets.containsKey(r.templateId())).toList();
    for (TemplateRecord r : withData) {
      length += SET_HEADER + dataSets.get(r.templateId()).length;
    }
    ByteBuffer b = ByteBuffer.allocate(length);
    b.putShort((short) version);
    if (version == 9) {
      // RFC 3954 §5.1: sysUptime, unix_secs, sequence, source id; the count says no flow records (decoders accept
      // either that or the count of all records, templates included).
      b.putShort((short) 0).putInt(0).putInt((int) exportSeconds).putInt(0).putInt((int) domainId);
    } else {
      // RFC 7011 §3.1: length, export time, sequence number, observation domain.
      b.putShort((short) length).putInt((int) exportSeconds).putInt(0).putInt((int) domainId);
    }
    for (boolean options : new boolean[] {false, true}) {
      int body = bodyLength(records, options);
      if (body > 0) {
        b.putShort((short) (templateSet + (options ? 1 : 0))).putShort((short) (SET_HEADER + body));
        records.stream().filter(r -> r.options() == options).forEach(r -> b.put(r.bytes()));
      }
    }
    for (TemplateRecord r : withData) {
      byte[] data = dataSets.get(r.templateId());
      b.putShort((short) r.templateId()).putShort((short) (SET_HEADER + data.length)).put(data);
    }
    return b.array();
  }

  private static int bodyLength(List<TemplateRecord> records, boolean options) {
    return records.stream().filter(r -> r.options() == options).mapToInt(r -> r.bytes().length).sum();
  }

  private static boolean isPadding(ByteBuffer b, int p, int end) {
    for (int i = p; i < end; i++) {
      if (b.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] copy(ByteBuffer b, int p, int length) {
    byte[] out = new byte[length];
    b.get(p, out);
    return out;
  }

  private static int u16(ByteBuffer b, int p) {
    return (b.get(p) & 0xFF) << 8 | (b.get(p + 1) & 0xFF);
  }

  private static int u16(byte[] b, int p) {
    return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
  }

  private static long u32(ByteBuffer b, int p) {
    return (long) u16(b, p) << 16 | u16(b, p + 2);
  }
}
