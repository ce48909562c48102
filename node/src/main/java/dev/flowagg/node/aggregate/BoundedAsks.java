package dev.flowagg.node.aggregate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Asks many entities with at most a window of asks in flight: a write touching 50 000 tuples must not start 50 000
 * entity recoveries at once and starve the journal's connection pool.
 */
final class BoundedAsks {

  private BoundedAsks() {}

  /** One ask per item, at most {@code window} at once; the results in item order, or the first failure. */
  static <T, R> CompletableFuture<List<R>> inWindow(
      List<T> items, int window, Function<T, CompletionStage<R>> ask) {
    int n = items.size();
    CompletableFuture<List<R>> done = new CompletableFuture<>();
    if (n == 0) {
      done.complete(List.of());
      return done;
    }
    Object[] results = new Object[n];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    Runnable[] worker = new Runnable[1];
    worker[0] =
        () -> {
          int i = next.getAndIncrement();
          if (i >= n || done.isDone()) {
            return;
          }
          ask.apply(items.get(i))
              .whenComplete(
                  (result, failure) -> {
                    if (failure != null) {
                      done.completeExceptionally(failure);
                      return;
                    }
                    results[i] = result;
                    if (completed.incrementAndGet() == n) {
                      @SuppressWarnings("unchecked")
                      List<R> all = (List<R>) new ArrayList<>(Arrays.asList(results));
                      done.complete(all);
                    } else {
                      worker[0].run();
                    }
                  });
        };
    for (int w = 0; w < Math.min(window, n); w++) {
      worker[0].run();
    }
    return done;
  }
}
