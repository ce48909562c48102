package dev.flowagg.protocol.vpclog;

/** Why one numbered input line was not accepted. */
public record LineProblem(long lineNumber, String problem) {

  @Override
  public String toString() {
    return "line " + lineNumber + ": " + problem;
  }
}
