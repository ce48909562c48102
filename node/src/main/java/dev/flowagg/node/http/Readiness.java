package dev.flowagg.node.http;

import java.util.concurrent.atomic.AtomicReference;

/** Whether this node can serve reads and writes yet, and if not, what it is waiting for. */
public final class Readiness {

  private static final String STOPPING = "shutting down";

  private final AtomicReference<String> waitingFor = new AtomicReference<>("starting");

  public boolean isReady() {
    return waitingFor.get() == null;
  }

  /** What the node still waits for; null when ready. */
  public String waitingFor() {
    return waitingFor.get();
  }

  // Once stopping, nothing makes the node ready again.
  public void waitFor(String what) {
    waitingFor.updateAndGet(w -> w == STOPPING ? STOPPING : what);
  }

  public void ready() {
    waitingFor.updateAndGet(w -> w == STOPPING ? STOPPING : null);
  }

  /** For good: the node is stopping, and new requests are refused. */
  public void stopping() {
    waitingFor.set(STOPPING);
  }

  public boolean isStopping() {
    return waitingFor.get() == STOPPING;
  }
}
