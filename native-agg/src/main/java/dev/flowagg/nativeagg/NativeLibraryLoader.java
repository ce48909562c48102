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
 */
public final class NativeLibraryLoader {

  /** The C ABI version this binding speaks. */
  static final int ABI_VERSION = 2;
  private static final String LIBRARY = "flowagg_kernel";

  /** What loading gave: the library's symbols, or why there are none. */
  public sealed interface Outcome permits Loaded, Unavailable {}

  /** The library is open and speaks our ABI. */
  public record Loaded(SymbolLookup symbols, String resource) implements Outcome {}

  /** The library could not be used; {@code reason} says why in one sentence. */
  public record Unavailable(String reason) implements Outcome {}

  private static final class Once {
    static final Outcome OUTCOME = load();
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
    return "/native/" + platform() + "/" + System.mapLibraryName(LIBRARY);
  }

  private static Outcome load() {
    String resource = resourceName();
    try (InputStream in = NativeLibraryLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        return new Unavailable("the jar has no native kernel for " + platform() + " (" + resource
            + "); it was built without cargo or for another platform");
      }
      Path file = Files.createTempFile(LIBRARY + "-", "-" + System.mapLibraryName(LIBRARY));
      try {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        SymbolLookup symbols = SymbolLookup.libraryLookup(file, Arena.global());
        int version = abiVersion(symbols);
        if (version != ABI_VERSION) {
          return new Unavailable("the native kernel speaks ABI " + version + ", this binding needs " + ABI_VERSION);
        }
        return new Loaded(symbols, resource);
      } finally {
        // Once opened the mapping stays valid; the file itself is no longer needed.
        Files.deleteIfExists(file);
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      return new Unavailable("the native kernel failed to load: " + e);
    }
  }

  private static int abiVersion(SymbolLookup symbols) {
    MethodHandle handle = Linker.nativeLinker().downcallHandle(
        symbols.findOrThrow("fa_abi_version"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
    try {
      return (int) handle.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException("fa_abi_version failed", t);
    }
  }
}
