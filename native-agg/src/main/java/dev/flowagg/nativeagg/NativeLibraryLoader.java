package dev.flowagg.nativeagg;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Finds the kernel's shared library inside the jar (under {@code native/<os>-<arch>/}), copies it to a temporary
 * file, opens it and checks its ABI version; the outcome is computed once per JVM.
 *
 * <p>On x86-64 the jar also carries builds for the x86-64-v3 (AVX2) and x86-64-v4 (AVX-512) levels, in subfolders
 * named after them. The plain build is opened first and asked which level this CPU runs; the highest build at or
 * below it is then used, as the JIT compiles Java for the CPU it runs on. {@code FLOWAGG_NATIVE_CPU} (or the system
 * property {@code flowagg.native.cpu}) = {@code auto} (default), {@code x86-64}, {@code x86-64-v3} or
 * {@code x86-64-v4} picks one; a level the CPU lacks makes the library unavailable rather than crash the JVM.
 */
public final class NativeLibraryLoader {

  /** The C ABI version this binding speaks. */
  static final int ABI_VERSION = 3;
  private static final String LIBRARY = "flowagg_kernel";
  static final String CPU_VARIABLE = "FLOWAGG_NATIVE_CPU";
  static final String CPU_PROPERTY = "flowagg.native.cpu";

  /** The builds of one platform, plainest first; {@code level} is what {@code fa_build_level} answers. */
  enum Build {
    PLAIN("x86-64", 1, ""),
    V3("x86-64-v3", 3, "x86-64-v3/"),
    V4("x86-64-v4", 4, "x86-64-v4/");

    final String label;
    final int level;
    final String folder;

    Build(String label, int level, String folder) {
      this.label = label;
      this.level = level;
      this.folder = folder;
    }
  }

  /** What loading gave: the library's symbols, or why there are none. */
  public sealed interface Outcome permits Loaded, Unavailable {}

  /** The library is open and speaks our ABI; {@code build} names the instruction-set level it was built for. */
  public record Loaded(SymbolLookup symbols, String resource, String build) implements Outcome {}

  /** The library could not be used; {@code reason} says why in one sentence. */
  public record Unavailable(String reason) implements Outcome {}

  private static final class Once {
    static final Outcome OUTCOME = load();
  }

  /** The build a node's settings asked for before the first load (see {@link #prefer}); null for none. */
  private static volatile String preferred;

  /**
   * The {@code FLOWAGG_NATIVE_CPU} text normalised ({@code auto} or a build's name), or an
   * {@link IllegalArgumentException} naming the setting and the values it takes.
   */
  public static String checkedBuildSetting(String value) {
    Build build = requestedBuild(value);
    return build == null ? "auto" : build.label;
  }

  /**
   * Asks for a build ({@code auto} or a name {@link #checkedBuildSetting} accepts) before the library is first
   * loaded; the system property {@code flowagg.native.cpu} still wins. Returns false when the library was already
   * loaded with another build, which then stays until the JVM restarts.
   */
  public static boolean prefer(String build) {
    preferred = build;
    Build asked = requestedBuild(build);
    return asked == null || !(Once.OUTCOME instanceof Loaded loaded) || asked.label.equals(loaded.build());
  }

  private NativeLibraryLoader() {}

  /** Loads the library on first call; later calls return the same outcome. */
  public static Outcome outcome() {
    return Once.OUTCOME;
  }

  /** True when the native kernel can be used in this JVM. */
  public static boolean isAvailable() {
    return outcome() instanceof Loaded;
  }

  /** The instruction-set level of the loaded build, for example {@code x86-64-v4}; null when none loaded. */
  public static String build() {
    return outcome() instanceof Loaded loaded ? loaded.build() : null;
  }

  /** The folder name of this platform, for example {@code linux-x86_64}. */
  static String platform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String osName = os.contains("linux") ? "linux" : os.contains("mac") ? "macos" : os.contains("win") ? "windows" : os;
    String archName = switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> arch;
    };
    return osName + "-" + archName;
  }

  static String resourceName() {
    return resourceName(Build.PLAIN);
  }

  static String resourceName(Build build) {
    return "/native/" + platform() + "/" + build.folder + System.mapLibraryName(LIBRARY);
  }

  /** The build asked for: null for auto, else one of {@link Build}; throws on an unknown name. */
  static Build requestedBuild(String value) {
    if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("auto")) {
      return null;
    }
    for (Build b : Build.values()) {
      if (b.label.equalsIgnoreCase(value.strip())) {
        return b;
      }
    }
    throw new IllegalArgumentException(CPU_VARIABLE + "='" + value + "' is not auto, x86-64, x86-64-v3 or x86-64-v4");
  }

  private static Outcome load() {
    String asked = System.getProperty(CPU_PROPERTY, preferred != null ? preferred : System.getenv(CPU_VARIABLE));
    Build requested;
    try {
      requested = requestedBuild(asked);
    } catch (IllegalArgumentException e) {
      return new Unavailable(e.getMessage());
    }
    if (NativeLibraryLoader.class.getResource(resourceName(Build.PLAIN)) == null) {
      return new Unavailable("the jar has no native kernel for " + platform() + " (" + resourceName(Build.PLAIN)
          + "); it was built without cargo or for another platform");
    }
    int cpuLevel;
    try (Arena probe = Arena.ofConfined()) {
      Opened plain = open(Build.PLAIN, probe);
      if (plain.failure != null) {
        return plain.failure;
      }
      cpuLevel = call(plain.symbols, "fa_cpu_level");
    } catch (IOException | RuntimeException | LinkageError e) {
      return new Unavailable("the native kernel failed to load: " + e);
    }
    Build chosen = requested;
    if (chosen == null) {
      chosen = Build.PLAIN;
      for (Build b : Build.values()) {
        if (b.level <= cpuLevel && NativeLibraryLoader.class.getResource(resourceName(b)) != null) {
          chosen = b;
        }
      }
    } else if (chosen.level > cpuLevel) {
      return new Unavailable(CPU_VARIABLE + "=" + chosen.label + " but this CPU runs level " + cpuLevel + " at most");
    } else if (NativeLibraryLoader.class.getResource(resourceName(chosen)) == null) {
      return new Unavailable(CPU_VARIABLE + "=" + chosen.label + " but the jar has no such build for " + platform());
    }
    try {
      Opened opened = open(chosen, Arena.global());
      if (opened.failure != null) {
        return opened.failure;
      }
      int built = call(opened.symbols, "fa_build_level");
      if (built != chosen.level) {
        return new Unavailable("the native kernel at " + resourceName(chosen) + " was built for level " + built
            + ", not " + chosen.level);
      }
      return new Loaded(opened.symbols, resourceName(chosen), chosen.label);
    } catch (IOException | RuntimeException | LinkageError e) {
      return new Unavailable("the native kernel failed to load: " + e);
    }
  }

  /** An opened build, or why it is unusable. */
  private record Opened(SymbolLookup symbols, Unavailable failure) {}

  private static Opened open(Build build, Arena arena) throws IOException {
    String resource = resourceName(build);
    try (InputStream in = NativeLibraryLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        return new Opened(null, new Unavailable("the jar has no " + resource));
      }
      Path file = Files.createTempFile(LIBRARY + "-", "-" + System.mapLibraryName(LIBRARY));
      try {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        SymbolLookup symbols = SymbolLookup.libraryLookup(file, arena);
        int version = call(symbols, "fa_abi_version");
        if (version != ABI_VERSION) {
          return new Opened(null,
              new Unavailable("the native kernel speaks ABI " + version + ", this binding needs " + ABI_VERSION));
        }
        return new Opened(symbols, null);
      } finally {
        // Once opened the mapping stays valid; the file itself is no longer needed.
        Files.deleteIfExists(file);
      }
    }
  }

  /** Calls a native function that takes nothing and returns an int. */
  private static int call(SymbolLookup symbols, String name) {
    MethodHandle handle = Linker.nativeLinker().downcallHandle(
        symbols.findOrThrow(name), FunctionDescriptor.of(ValueLayout.JAVA_INT));
    try {
      return (int) handle.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException(name + " failed", t);
    }
  }
}
