package dev.flowagg.protocol.vpclog;

/** A flow log that cannot be read on: a bad header, or a malformed line when every line must be well formed. */
public final class FlowLogException extends LineNumberedException {

  public FlowLogException(long lineNumber, String problem) {
    super(lineNumber, problem);
  }
}
