package dev.flowagg.protocol.vpclog;

import dev.flowagg.protocol.classify.Orientation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Counts flow-log records by tag and by server port and protocol as a log streams past: the server's port as
 * {@link ServerSide} decides it, the rule {@code POST /flowlogs} tags by too. Optionally only the records of one
 * action (ACCEPT or REJECT). Memory depends on the lookup table and the protocols seen, never on the length of the
 * log. Not thread-safe.
 */
public final class TagCounter {

  private static final int ABSENT_PROTOCOL = 256;
  private static final int ABSENT_PORT = 65536;

  private final LookupTable table;
  private final Orientation orientation;
  private final Optional<String> action;
  private final long[] tagCounts;
  private long untagged;
  // counts[protocol][port], one array per protocol seen, with an extra slot for "-" in each dimension.
  private final long[][] counts = new long[257][];
  private long records;
  private long otherAction;
  private long noData;
  private long skipData;
  private long malformed;

  /** Counts every record, servers told by the default service ports. */
  public TagCounter(LookupTable table) {
    this(table, Orientation.byDefaultPorts(), Optional.empty());
  }

  /**
   * @param orientation which ports are service ports (the classification rules' ports, as the node has them)
   * @param action count only records with this action ({@code ACCEPT} or {@code REJECT}, any case); empty: all
   */
  public TagCounter(LookupTable table, Orientation orientation, Optional<String> action) {
    this.table = table;
    this.orientation = orientation;
    this.action = action;
    this.tagCounts = new long[table.tags().size()];
  }

  /**
   * Counts one record: by tag and port/protocol when it carries traffic (and has the action asked for), else as
   * NODATA, SKIPDATA or another action.
   */
  public void add(FlowLogRecord record) {
    switch (record.logStatus()) {
      case NODATA -> noData++;
      case SKIPDATA -> skipData++;
      case OK -> {
        if (action.isPresent() && record.text(VpcField.ACTION).filter(action.get()::equalsIgnoreCase).isEmpty()) {
          otherAction++;
          return;
        }
        records++;
        int port = ServerSide.serverPort(record, orientation);
        int protocol = record.protocol();
        int tag = table.tagIndexOf(port, protocol);
        if (tag >= 0) {
          tagCounts[tag]++;
        } else {
          untagged++;
        }
        int protocolSlot = protocol < 0 ? ABSENT_PROTOCOL : protocol;
        long[] byPort = counts[protocolSlot];
        if (byPort == null) {
          byPort = counts[protocolSlot] = new long[ABSENT_PORT + 1];
        }
        byPort[port < 0 ? ABSENT_PORT : port]++;
      }
    }
  }

  /** Counts a line that was not a record. */
  public void addMalformed() {
    malformed++;
  }

  /** The counts so far, sorted as the report prints them. */
  public TagReport report() {
    List<TagReport.TagCount> tags = new ArrayList<>();
    for (int i = 0; i < tagCounts.length; i++) {
      if (tagCounts[i] > 0) {
        tags.add(new TagReport.TagCount(table.tags().get(i), tagCounts[i]));
      }
    }
    List<TagReport.PortProtocolCount> combinations = new ArrayList<>();
    for (int protocolSlot = 0; protocolSlot < counts.length; protocolSlot++) {
      long[] byPort = counts[protocolSlot];
      if (byPort == null) {
        continue;
      }
      for (int portSlot = 0; portSlot < byPort.length; portSlot++) {
        if (byPort[portSlot] > 0) {
          combinations.add(new TagReport.PortProtocolCount(
              portSlot == ABSENT_PORT ? -1 : portSlot,
              protocolSlot == ABSENT_PROTOCOL ? -1 : protocolSlot,
              byPort[portSlot]));
        }
      }
    }
    return new TagReport(
        tags, untagged, combinations, new TagReport.LineCounts(records, otherAction, noData, skipData, malformed));
  }
}
