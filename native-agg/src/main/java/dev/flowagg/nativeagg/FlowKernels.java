package dev.flowagg.nativeagg;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.netflow.DecoderSettings;

/** Creates the kernel a {@link NativeMode} asks for, falling back to the Java twin in {@code auto} mode. */
public final class FlowKernels {

  private static final System.Logger LOG = System.getLogger(FlowKernels.class.getName());

  private FlowKernels() {}

  /**
   * A native kernel when {@code mode} allows and the library loads, else the Java twin (logged once per call in
   * {@code auto} mode).
   *
   * @throws IllegalStateException in {@code on} mode when the native kernel cannot be used
   */
  public static FlowKernel create(NativeMode mode, DecoderSettings settings, ClassificationRules rules) {
    if (mode == NativeMode.OFF) {
      return new JavaFlowKernel(settings, rules);
    }
    NativeLibraryLoader.Outcome outcome = NativeLibraryLoader.outcome();
    if (outcome instanceof NativeLibraryLoader.Unavailable(String reason)) {
      if (mode == NativeMode.ON) {
        throw new IllegalStateException(NativeMode.ENVIRONMENT_VARIABLE + "=on but " + reason);
      }
      LOG.log(System.Logger.Level.WARNING, "Using the Java flow kernel: {0}", reason);
      return new JavaFlowKernel(settings, rules);
    }
    try {
      return new NativeFlowKernel(settings, rules);
    } catch (RuntimeException | LinkageError e) {
      if (mode == NativeMode.ON) {
        throw new IllegalStateException(NativeMode.ENVIRONMENT_VARIABLE + "=on but the native kernel failed: " + e, e);
      }
      LOG.log(System.Logger.Level.WARNING, "Using the Java flow kernel: the native kernel failed: {0}", e.toString());
      return new JavaFlowKernel(settings, rules);
    }
  }
}
