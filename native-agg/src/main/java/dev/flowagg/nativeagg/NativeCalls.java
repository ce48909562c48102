package dev.flowagg.nativeagg;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The downcall handles of the kernel's C ABI. Touch this class only after {@link NativeLibraryLoader#isAvailable()};
 * only calls that always return in well under a microsecond are marked critical.
 */
final class NativeCalls {

  static final int STATUS_DONE = 0;
  static final int STATUS_TABLE_FULL = 1;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup SYMBOLS = symbols();
  private static final Linker.Option CRITICAL = Linker.Option.critical(false);

  static final MethodHandle LAYOUT = handle("fa_layout", FunctionDescriptor.of(JAVA_LONG, JAVA_INT), CRITICAL);
  static final MethodHandle CPU_LEVEL = handle("fa_cpu_level", FunctionDescriptor.of(JAVA_INT), CRITICAL);
  static final MethodHandle LIVE_BYTES = handle("fa_live_bytes", FunctionDescriptor.of(JAVA_LONG), CRITICAL);
  static final MethodHandle CREATE = handle("fa_create", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT,
      ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
  static final MethodHandle FREE = handle("fa_free", FunctionDescriptor.ofVoid(ADDRESS));
  static final MethodHandle PROCESS = handle("fa_process", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG,
      ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
  static final MethodHandle PENDING = handle("fa_pending", FunctionDescriptor.of(JAVA_LONG, ADDRESS), CRITICAL);
  static final MethodHandle DRAIN = handle("fa_drain", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT));
  static final MethodHandle STATS_COUNT = handle("fa_stats_count", FunctionDescriptor.of(JAVA_LONG, ADDRESS), CRITICAL);
  static final MethodHandle STATS_READ = handle("fa_stats_read", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS,
      JAVA_INT));
  static final MethodHandle EXPIRE = handle("fa_expire", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

  // The UDP socket: wait blocks and receive/discard make system calls, so none of them is critical.
  static final MethodHandle UDP_OPEN = handle("fa_udp_open", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT,
      JAVA_INT, JAVA_INT, ADDRESS));
  static final MethodHandle UDP_CLOSE = handle("fa_udp_close", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
  static final MethodHandle UDP_WAIT = handle("fa_udp_wait", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT,
      JAVA_INT));
  static final MethodHandle UDP_RECEIVE = handle("fa_udp_receive", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS,
      JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  static final MethodHandle UDP_DISCARD = handle("fa_udp_discard", FunctionDescriptor.of(JAVA_LONG, JAVA_INT,
      JAVA_INT));

  private NativeCalls() {}

  /** Bytes the library holds on its heap, all contexts together. */
  static long liveBytes() {
    try {
      return (long) LIVE_BYTES.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** The x86-64 level this CPU runs (1, 3 or 4; 1 on other architectures). */
  static int cpuLevel() {
    try {
      return (int) CPU_LEVEL.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** A layout constant of the library: 0 counters, 1 errors, 2 words per row, 3 bytes per meta entry, 4 stats words. */
  static long layout(int which) {
    try {
      return (long) LAYOUT.invokeExact(which);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static SymbolLookup symbols() {
    if (NativeLibraryLoader.outcome() instanceof NativeLibraryLoader.Loaded loaded) {
      return loaded.symbols();
    }
    throw new IllegalStateException(((NativeLibraryLoader.Unavailable) NativeLibraryLoader.outcome()).reason());
  }

  private static MethodHandle handle(String name, FunctionDescriptor descriptor, Linker.Option... options) {
    return LINKER.downcallHandle(SYMBOLS.findOrThrow(name), descriptor, options);
  }
}
