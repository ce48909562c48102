package dev.flowagg.protocol.vpclog;

/** A flow log that cannot be read on: a bad header, or a malformed line when every line must be well formed. */
public final class FlowLogException extends IllegalArgumentException {

  private final long lineNumber;
  private final String problem;

  public FlowLogException(long lineNumber, String problem) {
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
