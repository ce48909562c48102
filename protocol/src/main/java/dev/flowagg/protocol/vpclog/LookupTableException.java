package dev.flowagg.protocol.vpclog;

/** A lookup table file that cannot be used, with the line that is wrong. */
public final class LookupTableException extends IllegalArgumentException {

  private final long lineNumber;
  private final String problem;

  public LookupTableException(long lineNumber, String problem) {
    super("line " + lineNumber + ": " + problem);
    this.lineNumber = lineNumber;
    this.problem = problem;
  }

  public long lineNumber() {
    return lineNumber;
  }

  /** What is wrong, without the line number. */
  public String problem() {
    return problem;
  }
}
