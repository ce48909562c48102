package dev.flowagg.node.process;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why a node cannot start, in one line that names the setting and its value and says what to do, with the exit code
 * the process ends with. The line is all a person needs, so it carries no stack trace.
 */
public final class StartFailure extends RuntimeException {

  private final ExitCode exitCode;

  public StartFailure(ExitCode exitCode, String line) {
    this(exitCode, line, null);
  }

  public StartFailure(ExitCode exitCode, String line, Throwable cause) {
    super(line, cause, false, false);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  /** The start failure behind {@code failure} as a future reports it, or an unexpected one ({@link ExitCode#FAILED}). */
  public static StartFailure of(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof StartFailure start ? start : new StartFailure(ExitCode.FAILED, cause.toString(), cause);
  }
}
