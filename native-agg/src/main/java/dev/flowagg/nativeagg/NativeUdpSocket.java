package dev.flowagg.nativeagg;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * A UDP socket of the native library (Linux): datagrams are taken with one {@code recvmmsg} call per run of waiting
 * datagrams, straight into a {@link DatagramBatch}'s memory, meta entries included, instead of one receive call, one
 * address object and one selector wake-up per datagram.
 *
 * <p>One thread receives ({@link #await}, {@link #receive}, {@link #discard}); {@link #close()} only after it stopped
 * using the socket. Needs {@link NativeLibraryLoader#isAvailable()}.
 */
public final class NativeUdpSocket implements AutoCloseable {

  /** The most datagrams one {@link #receive} call takes. */
  public static final int MAX_DATAGRAMS_PER_CALL = 64;

  private static final long ERR_UNSUPPORTED = -10_000;
  private static final long ERR_ARGUMENT = -10_001;
  private static final long ERR_PANIC = -10_002;

  private final int fd;
  private final int port;
  private final int receiveBufferBytes;
  private final InetSocketAddress localAddress;
  // Automatic memory, as NativeFlowKernel's result words: passing it to each receive call costs no arena bookkeeping.
  private final MemorySegment result = Arena.ofAuto().allocate(JAVA_LONG, 3);
  private boolean closed;

  /** What one {@link #receive} call did: datagrams added to the batch, and longer ones dropped. */
  public record Received(int taken, int oversize) {
    /** Datagrams taken off the socket: added or dropped. */
    public int datagrams() {
      return taken + oversize;
    }
  }

  private NativeUdpSocket(int fd, int port, int receiveBufferBytes, InetAddress address) {
    this.fd = fd;
    this.port = port;
    this.receiveBufferBytes = receiveBufferBytes;
    this.localAddress = new InetSocketAddress(address, port);
  }

  /**
   * Binds a socket to {@code address} and {@code port} (0: any free port), asking the OS for a receive buffer of
   * {@code receiveBufferBytes}. An IPv6 address gives a socket that takes IPv4 datagrams too.
   *
   * @throws IOException when the OS refuses (the message names the errno), or on an OS without batched receive
   */
  public static NativeUdpSocket open(InetAddress address, int port, int receiveBufferBytes) throws IOException {
    byte[] bytes = address.getAddress();
    try (Arena call = Arena.ofConfined()) {
      MemorySegment addr = call.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
      MemorySegment out = call.allocate(JAVA_LONG, 2);
      long fd = (long) NativeCalls.UDP_OPEN.invokeExact(addr, bytes.length, port, receiveBufferBytes, out);
      if (fd < 0) {
        throw failure("cannot open udp " + address.getHostAddress() + ":" + port, fd);
      }
      // Linux reports twice the size it set (the rest is its bookkeeping); halved, as a DatagramChannel reports it.
      return new NativeUdpSocket((int) fd, (int) out.getAtIndex(JAVA_LONG, 1),
          (int) (out.getAtIndex(JAVA_LONG, 0) / 2), address);
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Whether this platform has the batched receive (Linux); elsewhere {@link #open} fails. */
  public static boolean isSupported() {
    return NativeLibraryLoader.platform().startsWith("linux-");
  }

  /** The port bound (the one picked when 0 was asked). */
  public int port() {
    return port;
  }

  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /**
   * The receive buffer the OS granted, as {@code DatagramChannel.getOption(SO_RCVBUF)} reports it: at most
   * net.core.rmem_max unless privileged.
   */
  public int receiveBufferBytes() {
    return receiveBufferBytes;
  }

  /** Waits up to {@code timeoutMillis} for a datagram; true when one is waiting. Blocks the calling thread. */
  public boolean await(int timeoutMillis) throws IOException {
    return await(timeoutMillis, 0);
  }

  /**
   * Sleeps {@code lingerMicros}, then waits up to {@code timeoutMillis} for a datagram; true when one is waiting.
   * Lingering lets a busy socket's datagrams gather, to be taken by one {@link #receive} call after one wake-up.
   */
  public boolean await(int timeoutMillis, int lingerMicros) throws IOException {
    long r;
    try {
      r = (long) NativeCalls.UDP_WAIT.invokeExact(fd, timeoutMillis, lingerMicros);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    if (r < 0) {
      throw failure("poll", r);
    }
    return r > 0;
  }

  /**
   * Takes up to {@code maxDatagrams} waiting datagrams into {@code batch} after its current ones, without waiting;
   * each may be up to {@code maxLength} bytes (longer ones are dropped and counted), and only as many as the batch
   * has room and entries for are taken. Nothing waiting: {@code Received(0, 0)}.
   */
  public Received receive(DatagramBatch batch, int maxDatagrams, int maxLength) throws IOException {
    long r;
    try {
      r = (long) NativeCalls.UDP_RECEIVE.invokeExact(fd, batch.data(), batch.data().byteSize(), (long) batch.used(),
          batch.meta(), batch.maxDatagrams(), batch.count(), maxDatagrams, maxLength, result);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    if (r < 0) {
      throw failure("recvmmsg", r);
    }
    int taken = (int) result.getAtIndex(JAVA_LONG, 0);
    batch.commitWritten(taken, result.getAtIndex(JAVA_LONG, 1));
    return new Received(taken, (int) result.getAtIndex(JAVA_LONG, 2));
  }

  /** Takes up to {@code maxDatagrams} waiting datagrams off the socket and drops them; returns how many. */
  public int discard(int maxDatagrams) throws IOException {
    long r;
    try {
      r = (long) NativeCalls.UDP_DISCARD.invokeExact(fd, maxDatagrams);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    if (r < 0) {
      throw failure("recvmmsg", r);
    }
    return (int) r;
  }

  /** Closes the socket; later calls are ignored. Call only once no thread uses it any more. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      long r = (long) NativeCalls.UDP_CLOSE.invokeExact(fd);
      if (r < 0) {
        System.getLogger(NativeUdpSocket.class.getName())
            .log(System.Logger.Level.DEBUG, "closing the UDP socket: {0}", describe(r));
      }
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  @Override
  public String toString() {
    return "NativeUdpSocket[" + localAddress + "]";
  }

  private static final Map<Long, String> ERRNO_NAMES = Map.ofEntries(
      Map.entry(1L, "EPERM, operation not permitted"),
      Map.entry(4L, "EINTR, interrupted"),
      Map.entry(9L, "EBADF, bad file descriptor"),
      Map.entry(12L, "ENOMEM, out of memory"),
      Map.entry(13L, "EACCES, permission denied"),
      Map.entry(14L, "EFAULT, bad address"),
      Map.entry(22L, "EINVAL, invalid argument"),
      Map.entry(24L, "EMFILE, too many open files"),
      Map.entry(97L, "EAFNOSUPPORT, address family not supported"),
      Map.entry(98L, "EADDRINUSE, address already in use"),
      Map.entry(99L, "EADDRNOTAVAIL, cannot assign requested address"),
      Map.entry(105L, "ENOBUFS, no buffer space available"));

  static String describe(long code) {
    if (code == ERR_UNSUPPORTED) {
      return "batched UDP receive is not supported on this OS";
    }
    if (code == ERR_ARGUMENT) {
      return "bad argument";
    }
    if (code == ERR_PANIC) {
      return "the native library panicked";
    }
    return "errno " + -code + " (" + ERRNO_NAMES.getOrDefault(-code, "see errno(3)") + ")";
  }

  private static IOException failure(String what, long code) {
    return new IOException(what + ": " + describe(code));
  }
}
