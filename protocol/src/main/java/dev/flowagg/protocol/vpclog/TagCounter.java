package dev.flowagg.protocol.vpclog;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts flow-log records by tag and by destination port and protocol as a log streams past. Memory depends on the
 * lookup table and the protocols seen, never on the length of the log. Not thread-safe.
 */
public final class TagCounter {

  private static final int ABSENT_PROTOCOL = 256;
  private static final int ABSENT_PORT = 65536;

  private final LookupTable table;
  private final long[] tagCounts;
  private long untagged;
  // counts[protocol][port], one array per protocol seen, with an extra slot for "-" in each dimension.
  private final long[][] counts = new long[257][];
  private long records;
  private long noData;
  private long skipData;
  private long malformed;

  public TagCounter(LookupTable table) {
    this.table = table;
    this.tagCounts = new long[table.tags().size()];
  }

  /** Counts one record: by tag and port/protocol when it carries traffic, else as NODATA or SKIPDATA. */
  public void add(FlowLogRecord record) {
    switch (record.logStatus()) {
      case NODATA -> noData++;
      case SKIPDATA -> skipData++;
      case OK -> {
        records++;
        int port = record.dstport();
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
    return new TagReport(tags, untagged, combinations, new TagReport.LineCounts(records, noData, skipData, malformed));
  }
}
