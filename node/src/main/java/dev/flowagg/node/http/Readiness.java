package dev.flowagg.node.http;

import java.util.concurrent.atomic.AtomicReference;

/** Whether this node can serve reads and writes yet, and if not, what it is waiting for. */
public final class Readiness {

  private final AtomicReference<String> waitingFor = new AtomicReference<>("starting");

  public boolean isReady() {
    return waitingFor.get() == null;
  }

  /** What the node still waits for; null when ready. */
  public String waitingFor() {
    return waitingFor.get();
  }

  public void waitFor(String what) {
    waitingFor.set(what);
  }

  public void ready() {
    waitingFor.set(null);
  }
}
