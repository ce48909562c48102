package dev.flowagg.node.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Clients posting keyed writes to nodes continuously, remembering which were acknowledged (200): what totals must
 * show afterwards. A client either moves on after a failure (the write stays unacknowledged) or retries it with the
 * same {@code Idempotency-Key} on the next node until it is acknowledged.
 */
public final class WriteLoad {

  /** One POST /flows: its key, body, and what it adds to each tuple. */
  public record Write(String key, String body, Map<String, FlowTotals.Totals> adds) {}

  /** The {@code n}th write of client {@code client}. */
  public interface Writes {
    Write make(int client, int n);
  }

  private final List<HttpApi> targets;
  private final Writes writes;
  private final boolean retryUntilAcknowledged;
  private final List<Thread> clients = new ArrayList<>();
  private volatile boolean stopping;

  public final Collection<Write> acknowledged = new ConcurrentLinkedQueue<>();
  public final Collection<Write> unacknowledged = new ConcurrentLinkedQueue<>();
  public final AtomicLong failures = new AtomicLong();
  public final AtomicLong refusedShuttingDown = new AtomicLong();
  public final Collection<String> unexpected = new ConcurrentLinkedQueue<>();

  public WriteLoad(List<HttpApi> targets, Writes writes, boolean retryUntilAcknowledged) {
    this.targets = targets;
    this.writes = writes;
    this.retryUntilAcknowledged = retryUntilAcknowledged;
  }

  public WriteLoad start(int clientCount) {
    for (int c = 0; c < clientCount; c++) {
      int client = c;
      Thread t =
          Thread.ofPlatform()
              .name("write-load-" + c)
              .start(
                  () -> {
                    for (int n = 0; !stopping; n++) {
                      Write w = writes.make(client, n);
                      (send(w, client + n) ? acknowledged : unacknowledged).add(w);
                    }
                  });
      clients.add(t);
    }
    return this;
  }

  /** Stops the clients; each first finishes (or, when retrying, gets acknowledged) the write it is on. */
  public void stop() throws InterruptedException {
    stopping = true;
    for (Thread t : clients) {
      t.join(TimeUnit.SECONDS.toMillis(120));
    }
  }

  /** Whether the write was acknowledged; retries rotate over the nodes. */
  private boolean send(Write w, int first) {
    for (int attempt = 0; ; attempt++) {
      HttpApi api = targets.get((first + attempt) % targets.size());
      try {
        HttpResponse<String> r = post(api, w);
        int status = r.statusCode();
        if (status == 200) {
          return true;
        }
        if (status == 503 && r.body().contains("shutting down")) {
          refusedShuttingDown.incrementAndGet();
        } else if (status != 503) {
          unexpected.add(status + " " + r.body());
        }
      } catch (RuntimeException e) {
        // Connection refused or reset: the node is down.
      }
      failures.incrementAndGet();
      // A client honouring Retry-After, shortened for the test.
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      if (!retryUntilAcknowledged || (stopping && attempt > 600)) {
        return false;
      }
    }
  }

  /** Sends the write again (same key) until a node acknowledges it. */
  public HttpResponse<String> post(HttpApi api, Write w) {
    return api.send(
        HttpRequest.newBuilder(URI.create(api.base() + "/flows"))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", w.key())
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(w.body())));
  }

  /** What these writes add up to, per tuple. */
  public static Map<String, FlowTotals.Totals> totalsOf(Collection<Write> writes) {
    Map<String, FlowTotals.Totals> out = new HashMap<>();
    for (Write w : writes) {
      w.adds().forEach((k, v) -> out.merge(k, v, (a, b) -> a.plus(b.bytesTx(), b.bytesRx())));
    }
    return out;
  }
}
