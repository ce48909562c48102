package dev.flowagg.protocol.vpclog;

/** A file of the VPC flow log input that cannot be used, with the line that is wrong and what is wrong with it. */
public abstract sealed class LineNumberedException extends IllegalArgumentException
    permits FlowLogException, LookupTableException {

  private final long lineNumber;
  private final String problem;

  LineNumberedException(long lineNumber, String problem) {
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
