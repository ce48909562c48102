package dev.flowagg.protocol.netflow;

/** Receives each decoded flow; the view is reused and is valid only during the call. */
@FunctionalInterface
public interface FlowSink {

  /** Called once per flow record; copy what must outlive the call (see {@link DecodedFlow#snapshot()}). */
  void accept(DecodedFlow flow);
}
