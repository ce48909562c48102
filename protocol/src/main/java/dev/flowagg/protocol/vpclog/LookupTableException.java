package dev.flowagg.protocol.vpclog;

/** A lookup table file that cannot be used, with the line that is wrong. */
public final class LookupTableException extends LineNumberedException {

  public LookupTableException(long lineNumber, String problem) {
    super(lineNumber, problem);
  }
}
