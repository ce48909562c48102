package dev.flowagg.protocol.classify;

/** A classification rules file that cannot be read, with the line that is wrong. */
public final class RulesFileException extends IllegalArgumentException {

  private final int lineNumber;
  private final String problem;

  public RulesFileException(int lineNumber, String problem) {
    super("line " + lineNumber + ": " + problem);
    this.lineNumber = lineNumber;
    this.problem = problem;
  }

  /** The 1-based line that is wrong. */
  public int lineNumber() {
    return lineNumber;
  }

  /** What is wrong, without the line number. */
  public String problem() {
    return problem;
  }
}
