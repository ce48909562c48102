package dev.flowagg.node.ingest;

import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.node.aggregate.DeltaBlock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * What NetFlow ingest holds but has not stored yet, kept on local disk so that a killed node loses none of it:
 *
 * <ul>
 *   <li>every received batch of datagrams, appended to the current segment file ({@code datagrams-N.log}) before
 *       the kernel folds it into its table;
 *   <li>every delivery cut from the table ({@code deliveries.log}: the writer id, delivery number and deltas, and the
 *       segment it covers), before it is sent, and a line once it is stored.
 * </ul>
 *
 * A cut covers every datagram before it: its segment is closed and deleted, and a new one begun. After a restart,
 * {@link #recover()} returns the deliveries never stored (sent again under the same writer id and number, which the
 * slices apply once) and the segments written after the last cut (decoded again as new input). Writes go to the
 * operating system's page cache, which a killed process does not lose; the delivery records are also synced, once
 * per cut, for a machine that stops. Not thread-safe: the ingest actor owns it, and hands {@link #cut} to the thread
 * that builds a delivery; meanwhile the actor only appends batches and rotates segments, which share no state with a
 * cut but the directory (a cut deletes only segments already closed).
 */
public final class DeliveryLog implements AutoCloseable {

  private static final byte CUT = 1;
  private static final byte DONE = 2;
  private static final String DELIVERIES = "deliveries.log";
  private static final String SEGMENT_PREFIX = "datagrams-";
  private static final String SEGMENT_SUFFIX = ".log";
  private static final long COMPACT_AT_BYTES = 64L << 20;

  /** A delivery cut but not stored. */
  public record Pending(long writer, long number, Map<Integer, List<DeltaBlock>> bySlice) {}

  /** What a restart finds: deliveries to send again, and segment files to decode again, oldest first. */
  public record Recovered(List<Pending> deliveries, List<Path> segments) {}

  private final Path dir;
  private FileChannel deliveries;
  private FileChannel segment;
  private long segmentNumber;
  private int undone;
  /** The checksum and header of batch appends (the actor's). */
  private final CRC32C crc = new CRC32C();
  private final ByteBuffer header = ByteBuffer.allocateDirect(12).order(ByteOrder.LITTLE_ENDIAN);

  private DeliveryLog(Path dir) {
    this.dir = dir;
  }

  /** Opens (creating) the log in {@code dir}; call {@link #recover()} before writing. */
  public static DeliveryLog open(Path dir) throws IOException {
    Files.createDirectories(dir);
    return new DeliveryLog(dir);
  }

  /**
   * Reads what the last run left, then starts a fresh segment after the old ones (which stay until the next cut
   * covers them).
   */
  public Recovered recover() throws IOException {
    Map<String, Pending> open = new LinkedHashMap<>();
    long lastCutSegment = -1;
    Path file = dir.resolve(DELIVERIES);
    if (Files.exists(file)) {
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
        for (ByteBuffer record = read(in); record != null; record = read(in)) {
          byte type = record.get();
          long writer = record.getLong();
          long number = record.getLong();
          String key = writer + "/" + number;
          if (type == CUT) {
            lastCutSegment = Math.max(lastCutSegment, record.getLong());
            open.put(key, new Pending(writer, number, readSlices(record)));
          } else if (type == DONE) {
            open.remove(key);
          }
        }
      }
    }
    TreeMap<Long, Path> segments = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, SEGMENT_PREFIX + "*" + SEGMENT_SUFFIX)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        segments.put(Long.parseLong(name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length())), p);
      }
    }
    List<Path> replay = new ArrayList<>();
    for (Map.Entry<Long, Path> e : segments.entrySet()) {
      if (e.getKey() <= lastCutSegment) {
        Files.deleteIfExists(e.getValue()); // covered by a cut that was written
      } else if (Files.size(e.getValue()) == 0) {
        Files.deleteIfExists(e.getValue());
      } else {
        replay.add(e.getValue());
      }
    }
    segmentNumber = Math.max(lastCutSegment, segments.isEmpty() ? -1 : segments.lastKey()) + 1;
    // Keep the log's undone cuts, rewritten alone: the stored ones are history.
    List<Pending> pending = List.copyOf(open.values());
    rewrite(pending, lastCutSegment);
    segment = FileChannel.open(segmentPath(segmentNumber), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    return new Recovered(pending, replay);
  }

  /** Appends a batch of datagrams about to be decoded. */
  public void append(DatagramBatch batch) throws IOException {
    if (batch.count() == 0) {
      return;
    }
    ByteBuffer meta = batch.meta().asSlice(0, (long) batch.count() * DatagramBatch.META_BYTES).asByteBuffer();
    ByteBuffer data = batch.data().asSlice(0, batch.used()).asByteBuffer();
    crc.reset();
    crc.update(meta.duplicate());
    crc.update(data.duplicate());
    header.clear();
    header.putInt(batch.count()).putInt(batch.used()).putInt((int) crc.getValue()).flip();
    writeFully(segment, new ByteBuffer[] {header, meta, data});
  }

  /**
   * Closes the current segment and begins the next, as the table is drained: the segment closed holds exactly what
   * the drained rows came from. Returns its number, for the {@link #cut} that records them.
   */
  public long rotate() throws IOException {
    long covered = segmentNumber;
    segment.close();
    segmentNumber++;
    segment = FileChannel.open(segmentPath(segmentNumber), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    return covered;
  }

  /**
   * Records a delivery cut from the table, drained when segment {@code covered} was closed ({@link #rotate}); then
   * that segment and those before it are deleted. Until this record is written they stay, and a restart decodes them
   * again.
   */
  public void cut(long writer, long number, Map<Integer, List<DeltaBlock>> bySlice, long covered) throws IOException {
    ByteBuffer record = ByteBuffer.allocate(recordSize(bySlice)).order(ByteOrder.LITTLE_ENDIAN);
    record.put(CUT).putLong(writer).putLong(number).putLong(covered);
    writeSlices(record, bySlice);
    append(record.flip());
    deliveries.force(false);
    undone++;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, SEGMENT_PREFIX + "*" + SEGMENT_SUFFIX)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        long n = Long.parseLong(name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length()));
        if (n <= covered) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Records that a delivery is stored; the log is emptied when nothing it holds is undone and it grew large. */
  public void done(long writer, long number) throws IOException {
    ByteBuffer record = ByteBuffer.allocate(17).order(ByteOrder.LITTLE_ENDIAN);
    record.put(DONE).putLong(writer).putLong(number);
    append(record.flip());
    undone = Math.max(0, undone - 1);
    if (undone == 0 && deliveries.size() > COMPACT_AT_BYTES) {
      rewrite(List.of(), segmentNumber - 1);
    }
  }

  /** Reads the batches of a segment file back into {@code into}, one at a time, handing each to {@code each}. */
  public static void replay(Path segmentFile, DatagramBatch into, java.util.function.Consumer<DatagramBatch> each)
      throws IOException {
    try (FileChannel in = FileChannel.open(segmentFile, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      CRC32C check = new CRC32C();
      while (readFully(in, head.clear())) {
        head.flip();
        int count = head.getInt();
        int used = head.getInt();
        int sum = head.getInt();
        if (count <= 0 || count > into.maxDatagrams() || used < 0 || used > into.data().byteSize()) {
          return; // a torn write at the end of the file
        }
        ByteBuffer meta = ByteBuffer.allocateDirect(count * DatagramBatch.META_BYTES);
        ByteBuffer data = ByteBuffer.allocateDirect(used);
        if (!readFully(in, meta) || !readFully(in, data)) {
          return;
        }
        check.reset();
        check.update(meta.flip().duplicate());
        check.update(data.flip().duplicate());
        if ((int) check.getValue() != sum) {
          return;
        }
        into.clear();
        into.restore(count, used, meta, data);
        each.accept(into);
      }
    }
  }

  private void rewrite(List<Pending> pending, long lastCutSegment) throws IOException {
    if (deliveries != null) {
      deliveries.close();
    }
    Path tmp = dir.resolve(DELIVERIES + ".tmp");
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      deliveries = out;
      for (Pending p : pending) {
        ByteBuffer record = ByteBuffer.allocate(recordSize(p.bySlice())).order(ByteOrder.LITTLE_ENDIAN);
        record.put(CUT).putLong(p.writer()).putLong(p.number()).putLong(lastCutSegment);
        writeSlices(record, p.bySlice());
        append(record.flip());
      }
      out.force(true);
    }
    Files.move(tmp, dir.resolve(DELIVERIES), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    deliveries = FileChannel.open(dir.resolve(DELIVERIES), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    undone = pending.size();
  }

  /** Appends a delivery record; its own checksum, since a cut is written while batches go on being appended. */
  private void append(ByteBuffer record) throws IOException {
    CRC32C sum = new CRC32C();
    sum.update(record.duplicate());
    ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    head.putInt(record.remaining()).putInt((int) sum.getValue()).flip();
    writeFully(deliveries, new ByteBuffer[] {head, record});
  }

  /** The next whole record, or null at the end (or at a torn last record). */
  private static ByteBuffer read(FileChannel in) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    if (!readFully(in, head)) {
      return null;
    }
    head.flip();
    int length = head.getInt();
    int sum = head.getInt();
    if (length <= 0 || length > (1 << 30)) {
      return null;
    }
    ByteBuffer record = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    if (!readFully(in, record)) {
      return null;
    }
    record.flip();
    CRC32C check = new CRC32C();
    check.update(record.duplicate());
    return (int) check.getValue() == sum ? record : null;
  }

  private static int recordSize(Map<Integer, List<DeltaBlock>> bySlice) {
    int size = 1 + 8 + 8 + 8 + 4;
    for (List<DeltaBlock> parts : bySlice.values()) {
      size += 8;
      for (DeltaBlock b : parts) {
        size += 4 + b.byteSize();
      }
    }
    return size;
  }

  private static void writeSlices(ByteBuffer record, Map<Integer, List<DeltaBlock>> bySlice) {
    record.putInt(bySlice.size());
    bySlice.forEach((slice, parts) -> {
      record.putInt(slice).putInt(parts.size());
      for (DeltaBlock b : parts) {
        record.putInt(b.byteSize()).put(b.encoded(), 0, b.byteSize());
      }
    });
  }

  private static Map<Integer, List<DeltaBlock>> readSlices(ByteBuffer record) {
    Map<Integer, List<DeltaBlock>> bySlice = new TreeMap<>();
    int slices = record.getInt();
    for (int i = 0; i < slices; i++) {
      int slice = record.getInt();
      int parts = record.getInt();
      List<DeltaBlock> blocks = new ArrayList<>(parts);
      for (int p = 0; p < parts; p++) {
        int n = record.getInt();
        blocks.add(DeltaBlock.decode(record.array(), record.arrayOffset() + record.position(), n));
        record.position(record.position() + n);
      }
      bySlice.put(slice, blocks);
    }
    return bySlice;
  }

  private Path segmentPath(long n) {
    return dir.resolve(SEGMENT_PREFIX + n + SEGMENT_SUFFIX);
  }

  private static void writeFully(FileChannel out, ByteBuffer[] buffers) throws IOException {
    long remaining = 0;
    for (ByteBuffer b : buffers) {
      remaining += b.remaining();
    }
    while (remaining > 0) {
      remaining -= out.write(buffers);
    }
  }

  private static boolean readFully(FileChannel in, ByteBuffer into) throws IOException {
    while (into.hasRemaining()) {
      if (in.read(into) < 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    if (segment != null) {
      segment.close();
    }
    if (deliveries != null) {
      deliveries.close();
    }
  }

  /** The segment files present, for tests and stats. */
  List<Long> segmentNumbers() throws IOException {
    TreeSet<Long> out = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, SEGMENT_PREFIX + "*" + SEGMENT_SUFFIX)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        out.add(Long.parseLong(name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length())));
      }
    }
    return List.copyOf(out);
  }
}
