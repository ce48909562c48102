package dev.flowagg.protocol.netflow.encode;

import static dev.flowagg.protocol.netflow.InformationElement.DESTINATION_IPV4_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.DESTINATION_IPV6_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.DESTINATION_TRANSPORT_PORT;
import static dev.flowagg.protocol.netflow.InformationElement.FLOW_END_MILLISECONDS;
import static dev.flowagg.protocol.netflow.InformationElement.FLOW_END_SYS_UP_TIME;
import static dev.flowagg.protocol.netflow.InformationElement.OBSERVATION_DOMAIN_ID;
import static dev.flowagg.protocol.netflow.InformationElement.OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.PACKET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.PROTOCOL_IDENTIFIER;
import static dev.flowagg.protocol.netflow.InformationElement.REVERSE_OCTET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.REVERSE_PACKET_DELTA_COUNT;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLING_INTERVAL;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLING_PACKET_INTERVAL;
import static dev.flowagg.protocol.netflow.InformationElement.SAMPLING_PACKET_SPACE;
import static dev.flowagg.protocol.netflow.InformationElement.SOURCE_IPV4_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.SOURCE_IPV6_ADDRESS;
import static dev.flowagg.protocol.netflow.InformationElement.SOURCE_TRANSPORT_PORT;

import dev.flowagg.protocol.netflow.InformationElement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One simulated exporter's stream of datagrams: turns flow descriptions into v5, v9 or IPFIX datagrams, keeping
 * sequence numbers and uptime, and re-sending templates (and sampling options) every few datagrams.
 *
 * <p>Templates: 256 IPv4 and 257 IPv6; IPFIX adds 258 and 259 for IPv4 and IPv6 biflows. NetFlow v9 has no reverse
 * counters, so v9 drops them; v5 accepts IPv4 flows only. Not thread-safe.
 */
public final class ExportSession {

  public static final int IPV4_TEMPLATE = 256;
  public static final int IPV6_TEMPLATE = 257;
  public static final int IPV4_BIFLOW_TEMPLATE = 258;
  public static final int IPV6_BIFLOW_TEMPLATE = 259;
  public static final int SAMPLING_OPTIONS_TEMPLATE = 260;

  private static final int V5_MAX_RECORDS = 30;
  /** A set header and the most padding a set gets. */
  private static final int SET_OVERHEAD = 4 + 3;

  private final ExportSettings settings;
  private final List<TemplateSpec> templates;
  private final TemplateSpec samplingOptions;
  private long datagramsSent;
  private long flowsSent;

  public ExportSession(ExportSettings settings) {
    this.settings = settings;
    this.templates = templatesOf(settings.format());
    this.samplingOptions = samplingOptionsOf(settings.format());
  }

  /** The templates this session sends for a format (none for v5). */
  public static List<TemplateSpec> templatesOf(ExportFormat format) {
    return switch (format) {
      case NETFLOW_V5 -> List.of();
      case NETFLOW_V9 -> List.of(
          flowTemplate(IPV4_TEMPLATE, SOURCE_IPV4_ADDRESS, DESTINATION_IPV4_ADDRESS, FLOW_END_SYS_UP_TIME, false),
          flowTemplate(IPV6_TEMPLATE, SOURCE_IPV6_ADDRESS, DESTINATION_IPV6_ADDRESS, FLOW_END_SYS_UP_TIME, false));
      case IPFIX -> List.of(
          flowTemplate(IPV4_TEMPLATE, SOURCE_IPV4_ADDRESS, DESTINATION_IPV4_ADDRESS, FLOW_END_MILLISECONDS, false),
          flowTemplate(IPV6_TEMPLATE, SOURCE_IPV6_ADDRESS, DESTINATION_IPV6_ADDRESS, FLOW_END_MILLISECONDS, false),
          flowTemplate(IPV4_BIFLOW_TEMPLATE, SOURCE_IPV4_ADDRESS, DESTINATION_IPV4_ADDRESS, FLOW_END_MILLISECONDS,
              true),
          flowTemplate(IPV6_BIFLOW_TEMPLATE, SOURCE_IPV6_ADDRESS, DESTINATION_IPV6_ADDRESS, FLOW_END_MILLISECONDS,
              true));
    };
  }

  /** The datagrams carrying these flows, exported at {@code exportMillis}; none when there are no flows. */
  public List<byte[]> encode(List<FlowSpec> flows, long exportMillis) {
    return settings.format() == ExportFormat.NETFLOW_V5 ? encodeV5(flows, exportMillis)
        : encodeTemplated(flows, exportMillis);
  }

  public long datagramsSent() {
    return datagramsSent;
  }

  private List<byte[]> encodeV5(List<FlowSpec> flows, long exportMillis) {
    List<byte[]> out = new ArrayList<>();
    long domain = settings.observationDomain();
    for (int i = 0; i < flows.size(); i += V5_MAX_RECORDS) {
      NetflowV5DatagramBuilder b = NetflowV5DatagramBuilder.create()
          .sysUptimeMillis(exportMillis - settings.bootMillis())
          .exportTimeMillis(exportMillis)
          .flowSequence(flowsSent)
          .engine((int) (domain >>> 8) & 0xFF, (int) domain & 0xFF)
          .sampling(settings.samplingRate() > 1 ? 1 : 0, settings.samplingRate() > 1 ? settings.samplingRate() : 0);
      for (FlowSpec f : flows.subList(i, Math.min(i + V5_MAX_RECORDS, flows.size()))) {
        long lastUptime = f.endMillis() - settings.bootMillis();
        b.record(r -> r.src(f.src()).dst(f.dst()).srcPort(f.srcPort()).dstPort(f.dstPort()).protocol(f.protocol())
            .octets(f.bytes()).packets(f.packets()).firstUptimeMillis(lastUptime).lastUptimeMillis(lastUptime));
      }
      flowsSent += b.recordCount();
      datagramsSent++;
      out.add(b.build());
    }
    return out;
  }

  private List<byte[]> encodeTemplated(List<FlowSpec> flows, long exportMillis) {
    List<byte[]> out = new ArrayList<>();
    // v9 states the export time in whole seconds; uptime counts against the same second so end times come out exact.
    long exportSeconds = Math.floorDiv(exportMillis, 1000);
    int i = 0;
    while (i < flows.size()) {
      TemplatedDatagramBuilder b = newDatagram(exportSeconds);
      if (datagramsSent % settings.templateRefreshEvery() == 0) {
        b.templates(templates.toArray(TemplateSpec[]::new));
        if (settings.samplingRate() > 1) {
          b.optionsTemplates(samplingOptions);
          b.data(samplingOptions, List.of(samplingRecord()));
        }
      }
      boolean empty = true;
      while (i < flows.size()) {
        TemplateSpec t = templateOf(flows.get(i));
        int room = settings.maxDatagramBytes() - b.size() - SET_OVERHEAD;
        int fit = Math.max(room / t.recordLength(), empty ? 1 : 0);
        List<RecordSpec> run = new ArrayList<>();
        while (i < flows.size() && run.size() < fit && templateOf(flows.get(i)) == t) {
          run.add(recordOf(flows.get(i), exportSeconds));
          i++;
        }
        if (run.isEmpty()) {
          break;
        }
        b.data(t, run);
        flowsSent += run.size();
        empty = false;
      }
      datagramsSent++;
      out.add(b.build());
    }
    return out;
  }

  private TemplatedDatagramBuilder newDatagram(long exportSeconds) {
    if (settings.format() == ExportFormat.NETFLOW_V9) {
      return NetflowV9DatagramBuilder.create()
          .sysUptimeMillis(exportSeconds * 1000 - settings.bootMillis())
          .unixSeconds(exportSeconds)
          .sequence(datagramsSent)
          .sourceId(settings.observationDomain());
    }
    return IpfixMessageBuilder.create()
        .exportSeconds(exportSeconds)
        .sequence(flowsSent)
        .observationDomain(settings.observationDomain());
  }

  private TemplateSpec templateOf(FlowSpec f) {
    boolean biflow = f.isBiflow() && settings.format() == ExportFormat.IPFIX;
    int index = (f.isIpv6() ? 1 : 0) + (biflow ? 2 : 0);
    return templates.get(index);
  }

  private RecordSpec recordOf(FlowSpec f, long exportSeconds) {
    boolean v6 = f.isIpv6();
    Map<InformationElement, Object> values = new EnumMap<>(InformationElement.class);
    values.put(v6 ? SOURCE_IPV6_ADDRESS : SOURCE_IPV4_ADDRESS, f.src());
    values.put(v6 ? DESTINATION_IPV6_ADDRESS : DESTINATION_IPV4_ADDRESS, f.dst());
    values.put(SOURCE_TRANSPORT_PORT, f.srcPort());
    values.put(DESTINATION_TRANSPORT_PORT, f.dstPort());
    values.put(PROTOCOL_IDENTIFIER, f.protocol());
    values.put(OCTET_DELTA_COUNT, f.bytes());
    values.put(PACKET_DELTA_COUNT, f.packets());
    values.put(REVERSE_OCTET_DELTA_COUNT, f.reverseBytes());
    values.put(REVERSE_PACKET_DELTA_COUNT, f.reversePackets());
    values.put(FLOW_END_MILLISECONDS, f.endMillis());
    values.put(FLOW_END_SYS_UP_TIME, f.endMillis() - settings.bootMillis());
    return RecordSpec.of(values);
  }

  private RecordSpec samplingRecord() {
    return RecordSpec.of(Map.of(
        OBSERVATION_DOMAIN_ID, settings.observationDomain(),
        SAMPLING_INTERVAL, settings.samplingRate(),
        // RFC 5477: 1 packet selected, then rate - 1 skipped.
        SAMPLING_PACKET_INTERVAL, 1,
        SAMPLING_PACKET_SPACE, settings.samplingRate() - 1));
  }

  private static TemplateSpec flowTemplate(int id, InformationElement src, InformationElement dst,
      InformationElement end, boolean biflow) {
    List<FieldSpec> fields = new ArrayList<>(List.of(
        FieldSpec.of(src), FieldSpec.of(dst), FieldSpec.of(SOURCE_TRANSPORT_PORT),
        FieldSpec.of(DESTINATION_TRANSPORT_PORT), FieldSpec.of(PROTOCOL_IDENTIFIER), FieldSpec.of(OCTET_DELTA_COUNT),
        FieldSpec.of(PACKET_DELTA_COUNT), FieldSpec.of(end)));
    if (biflow) {
      fields.add(FieldSpec.of(REVERSE_OCTET_DELTA_COUNT));
      fields.add(FieldSpec.of(REVERSE_PACKET_DELTA_COUNT));
    }
    return TemplateSpec.of(id, fields);
  }

  private static TemplateSpec samplingOptionsOf(ExportFormat format) {
    return switch (format) {
      case NETFLOW_V5 -> null;
      case NETFLOW_V9 -> TemplateSpec.options(SAMPLING_OPTIONS_TEMPLATE,
          List.of(FieldSpec.v9Scope(V9ScopeType.SYSTEM, 4)), List.of(FieldSpec.of(SAMPLING_INTERVAL)));
      case IPFIX -> TemplateSpec.options(SAMPLING_OPTIONS_TEMPLATE,
          List.of(FieldSpec.of(OBSERVATION_DOMAIN_ID)),
          List.of(FieldSpec.of(SAMPLING_PACKET_INTERVAL), FieldSpec.of(SAMPLING_PACKET_SPACE)));
    };
  }
}
