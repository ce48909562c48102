package dev.flowagg.protocol.netflow.encode;

import dev.flowagg.protocol.net.IpAddress;
import java.util.function.Consumer;

/**
 * Builds one NetFlow v5 export packet: a 24-byte header and 48-byte records, every field by name.
 * The header count is the number of records unless {@link #declaredCount} overrides it.
 */
public final class NetflowV5DatagramBuilder {

  private final WireWriter records = new WireWriter();
  private int recordCount;
  private Integer declaredCount;
  private long sysUptimeMillis;
  private long unixSeconds;
  private long unixNanos;
  private long flowSequence;
  private int engineType;
  private int engineId;
  private int samplingMode;
  private int samplingInterval;

  private NetflowV5DatagramBuilder() {}

  public static NetflowV5DatagramBuilder create() {
    return new NetflowV5DatagramBuilder();
  }

  public NetflowV5DatagramBuilder sysUptimeMillis(long v) {
    sysUptimeMillis = v;
    return this;
  }

  /** Sets unix_secs and unix_nsecs from epoch milliseconds. */
  public NetflowV5DatagramBuilder exportTimeMillis(long epochMillis) {
    unixSeconds = Math.floorDiv(epochMillis, 1000);
    unixNanos = Math.floorMod(epochMillis, 1000) * 1_000_000L;
    return this;
  }

  public NetflowV5DatagramBuilder unixTime(long seconds, long nanos) {
    unixSeconds = seconds;
    unixNanos = nanos;
    return this;
  }

  public NetflowV5DatagramBuilder flowSequence(long v) {
    flowSequence = v;
    return this;
  }

  public NetflowV5DatagramBuilder engine(int type, int id) {
    engineType = type;
    engineId = id;
    return this;
  }

  /** The header's sampling field: 2 bits of mode, 14 bits of interval (1 in N packets). */
  public NetflowV5DatagramBuilder sampling(int mode, int interval) {
    samplingMode = mode;
    samplingInterval = interval;
    return this;
  }

  /** Writes this count in the header instead of the real number of records. */
  public NetflowV5DatagramBuilder declaredCount(int count) {
    declaredCount = count;
    return this;
  }

  /** Adds a record whose fields the consumer sets; unset fields are 0. */
  public NetflowV5DatagramBuilder record(Consumer<Record> fields) {
    Record r = new Record();
    fields.accept(r);
    r.writeTo(records);
    recordCount++;
    return this;
  }

  public int recordCount() {
    return recordCount;
  }

  public byte[] build() {
    WireWriter w = new WireWriter();
    w.u16(5).u16(declaredCount != null ? declaredCount : recordCount).u32(sysUptimeMillis).u32(unixSeconds)
        .u32(unixNanos).u32(flowSequence).u8(engineType).u8(engineId)
        .u16((samplingMode & 0x3) << 14 | (samplingInterval & 0x3FFF));
    w.bytes(records.toByteArray());
    return w.toByteArray();
  }

  /** The fields of one v5 flow record, in wire order. */
  public static final class Record {
    private IpAddress src = IpAddress.ofV4(0);
    private IpAddress dst = IpAddress.ofV4(0);
    private IpAddress nextHop = IpAddress.ofV4(0);
    private int inputInterface;
    private int outputInterface;
    private long packets;
    private long octets;
    private long firstUptimeMillis;
    private long lastUptimeMillis;
    private int srcPort;
    private int dstPort;
    private int tcpFlags;
    private int protocol;
    private int tos;
    private int srcAs;
    private int dstAs;
    private int srcMask;
    private int dstMask;

    private Record() {}

    public Record src(IpAddress v) {
      src = v;
      return this;
    }

    public Record src(String v) {
      return src(IpAddress.parse(v));
    }

    public Record dst(IpAddress v) {
      dst = v;
      return this;
    }

    public Record dst(String v) {
      return dst(IpAddress.parse(v));
    }

    public Record nextHop(IpAddress v) {
      nextHop = v;
      return this;
    }

    public Record interfaces(int input, int output) {
      inputInterface = input;
      outputInterface = output;
      return this;
    }

    public Record packets(long v) {
      packets = v;
      return this;
    }

    public Record octets(long v) {
      octets = v;
      return this;
    }

    /** sysUptime at the first packet. */
    public Record firstUptimeMillis(long v) {
      firstUptimeMillis = v;
      return this;
    }

    /** sysUptime at the last packet. */
    public Record lastUptimeMillis(long v) {
      lastUptimeMillis = v;
      return this;
    }

    public Record srcPort(int v) {
      srcPort = v;
      return this;
    }

    public Record dstPort(int v) {
      dstPort = v;
      return this;
    }

    public Record tcpFlags(int v) {
      tcpFlags = v;
      return this;
    }

    public Record protocol(int v) {
      protocol = v;
      return this;
    }

    public Record tos(int v) {
      tos = v;
      return this;
    }

    public Record autonomousSystems(int src, int dst) {
      srcAs = src;
      dstAs = dst;
      return this;
    }

    public Record masks(int src, int dst) {
      srcMask = src;
      dstMask = dst;
      return this;
    }

    private void writeTo(WireWriter w) {
      if (!src.isV4() || !dst.isV4() || !nextHop.isV4()) {
        throw new IllegalArgumentException("NetFlow v5 carries IPv4 addresses only");
      }
      w.u32(src.v4Bits() & 0xFFFF_FFFFL).u32(dst.v4Bits() & 0xFFFF_FFFFL).u32(nextHop.v4Bits() & 0xFFFF_FFFFL)
          .u16(inputInterface).u16(outputInterface).u32(packets).u32(octets)
          .u32(firstUptimeMillis).u32(lastUptimeMillis).u16(srcPort).u16(dstPort)
          .u8(0).u8(tcpFlags).u8(protocol).u8(tos).u16(srcAs).u16(dstAs).u8(srcMask).u8(dstMask).u16(0);
    }
  }
}
