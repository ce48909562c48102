package dev.flowagg.node.http;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this node can serve reads and writes, and if not, what it is waiting for: starting up (cluster membership),
 * its database (which must take writes), or nothing ever again (stopping).
 */
public final class Readiness {

  private static final String STOPPING = "shutting down";

  private final AtomicReference<String> waitingFor = new AtomicReference<>("starting");
  private final AtomicReference<String> database = new AtomicReference<>();

  public boolean isReady() {
    return waitingFor() == null;
  }

  /** What the node still waits for; null when ready. */
  public String waitingFor() {
    String w = waitingFor.get();
    if (w != null) {
      return w;
    }
    String db = database.get();
    return db == null ? null : "the database: " + db;
  }

  /** The database's problem now (null: it takes writes). */
  public void database(String problem) {
    database.set(problem);
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
