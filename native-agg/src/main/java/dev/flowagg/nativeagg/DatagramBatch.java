package dev.flowagg.nativeagg;

import dev.flowagg.protocol.net.IpAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * A batch of received datagrams in off-heap memory, the unit a {@link FlowKernel} processes in one call.
 *
 * <p>Payloads are packed back to back in {@link #data()}; {@link #meta()} holds one 32-byte entry per datagram
 * ({@code u32 offset, u32 length, u64 exporter high, u64 exporter low, i64 received-at millis}, native byte order),
 * so a native kernel reads both without copying. A UDP receiver writes straight into {@link #receiveBuffer()}.
 * Not thread-safe: one owner at a time (hand it over through a queue).
 */
public final class DatagramBatch implements AutoCloseable {

  /** Bytes per entry in {@link #meta()}. */
  public static final int META_BYTES = 32;

  /** The largest UDP payload: a batch takes another datagram only while this much room is left. */
  public static final int MAX_DATAGRAM = 65_535;

  private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT;
  private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG;

  // GC-managed memory: the receiving thread writes it and the kernel's thread reads it, and a downcall passing a shared
  // arena's segment acquires and releases that arena each time (about 10 ns a call for the two segments, measured),
  // while an automatic arena's segments cost nothing to pass and cannot be freed while a batch is still reachable.
  private final Arena arena = Arena.ofAuto();
  private final MemorySegment data;
  private final MemorySegment meta;
  private final ByteBuffer dataBuffer;
  private final int maxDatagrams;
  private int count;
  private int used;

  public DatagramBatch(int maxDatagrams, int capacityBytes) {
    if (capacityBytes < MAX_DATAGRAM) {
      throw new IllegalArgumentException("a batch must hold at least one maximal datagram");
    }
    this.maxDatagrams = maxDatagrams;
    this.data = arena.allocate(capacityBytes, 16);
    this.meta = arena.allocate((long) maxDatagrams * META_BYTES, 16);
    this.dataBuffer = data.asByteBuffer();
  }

  /** True while another datagram of any size fits. */
  public boolean hasRoom() {
    return hasRoom(MAX_DATAGRAM);
  }

  /** True while another datagram of up to {@code maxLength} bytes fits. */
  public boolean hasRoom(int maxLength) {
    return count < maxDatagrams && data.byteSize() - used >= maxLength;
  }

  /**
   * A buffer over the free space, position 0, for {@code DatagramChannel.receive}; follow with {@link #commit}.
   * Only valid while {@link #hasRoom()}.
   */
  public ByteBuffer receiveBuffer() {
    return dataBuffer.slice(used, MAX_DATAGRAM);
  }

  /** Records the datagram just written into {@link #receiveBuffer()}. */
  public void commit(int length, IpAddress exporter, long receivedAtMillis) {
    long m = (long) count * META_BYTES;
    meta.set(U32, m, used);
    meta.set(U32, m + 4, length);
    meta.set(U64, m + 8, exporter.high());
    meta.set(U64, m + 16, exporter.low());
    meta.set(U64, m + 24, receivedAtMillis);
    used += (length + 7) & ~7; // keep every payload 8-byte aligned
    count++;
  }

  /**
   * Records {@code taken} datagrams whose payloads and meta entries were written natively after the current ones
   * (see {@link NativeUdpSocket#receive}); {@code newUsed} is the fill in bytes after them.
   */
  void commitWritten(int taken, long newUsed) {
    if (taken < 0 || count + taken > maxDatagrams || newUsed < used || newUsed > data.byteSize()
        || (newUsed & 7) != 0) {
      throw new IllegalStateException(
          "native receive wrote " + taken + " entries to fill " + newUsed + " (had " + count + " to " + used + ")");
    }
    count += taken;
    used = (int) newUsed;
  }

  /**
   * Drops datagram {@code index} (an exporter the allow-list refuses): later entries move down one place. Dropping
   * the last one gives its bytes back too; an earlier one leaves its payload bytes unused until {@link #clear()}.
   */
  public void remove(int index) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException(index);
    }
    if (index == count - 1) {
      used = offset(index);
    } else {
      long at = (long) index * META_BYTES;
      MemorySegment.copy(meta, at + META_BYTES, meta, at, (long) (count - index - 1) * META_BYTES);
    }
    count--;
  }

  /** Bytes of {@link #data()} filled so far (a multiple of 8). */
  public int used() {
    return used;
  }

  /** The most datagrams this batch holds. */
  public int maxDatagrams() {
    return maxDatagrams;
  }

  /** Copies a datagram in (tests, replays); false when it does not fit. */
  public boolean add(byte[] datagram, int offset, int length, IpAddress exporter, long receivedAtMillis) {
    if (!hasRoom() || length > MAX_DATAGRAM) {
      return false;
    }
    MemorySegment.copy(datagram, offset, data, ValueLayout.JAVA_BYTE, used, length);
    commit(length, exporter, receivedAtMillis);
    return true;
  }

  /**
   * Fills an empty batch with {@code count} meta entries and {@code used} bytes of payloads exactly as another batch
   * held them (a batch written to disk and read back): offsets stay valid because the payloads keep their places.
   */
  public void restore(int count, int used, ByteBuffer metaBytes, ByteBuffer dataBytes) {
    if (this.count != 0 || count > maxDatagrams || used > data.byteSize()
        || metaBytes.remaining() != (long) count * META_BYTES || dataBytes.remaining() != used) {
      throw new IllegalArgumentException("a restored batch must fit an empty batch exactly");
    }
    MemorySegment.copy(MemorySegment.ofBuffer(metaBytes), 0, meta, 0, metaBytes.remaining());
    MemorySegment.copy(MemorySegment.ofBuffer(dataBytes), 0, data, 0, used);
    this.count = count;
    this.used = used;
  }

  public int count() {
    return count;
  }

  public int offset(int i) {
    return meta.get(U32, (long) i * META_BYTES);
  }

  public int length(int i) {
    return meta.get(U32, (long) i * META_BYTES + 4);
  }

  public IpAddress exporter(int i) {
    long m = (long) i * META_BYTES;
    return new IpAddress(meta.get(U64, m + 8), meta.get(U64, m + 16));
  }

  public long receivedAtMillis(int i) {
    return meta.get(U64, (long) i * META_BYTES + 24);
  }

  /** The payload of datagram {@code i} as a read-only buffer view. */
  public ByteBuffer payload(int i) {
    return dataBuffer.slice(offset(i), length(i)).asReadOnlyBuffer();
  }

  public MemorySegment data() {
    return data;
  }

  public MemorySegment meta() {
    return meta;
  }

  /** Empties the batch for reuse. */
  public void clear() {
    count = 0;
    used = 0;
  }

  /** Nothing to release by hand: the memory is returned once the batch is no longer reachable. */
  @Override
  public void close() {}
}
