package dev.flowagg.node.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BoundedAsksTest {

  @Test
  void neverHasMoreThanTheWindowInFlightAndKeepsItemOrder() {
    List<CompletableFuture<Integer>> pending = new ArrayList<>();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    List<Integer> items = IntStream.range(0, 100).boxed().toList();
    CompletableFuture<List<Integer>> all =
        BoundedAsks.inWindow(
            items,
            7,
            i -> {
              maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              CompletableFuture<Integer> f = new CompletableFuture<>();
              synchronized (pending) {
                pending.add(f);
              }
              return f.thenApply(v -> v * 10);
            });
    // Answer the asks one by one, newest first; each answer lets the next ask start.
    for (int answered = 0; answered < 100; answered++) {
      CompletableFuture<Integer> f;
      synchronized (pending) {
        f = pending.removeLast();
      }
      inFlight.decrementAndGet();
      f.complete(1);
    }
    assertThat(maxInFlight.get()).isEqualTo(7);
    assertThat(all.join()).hasSize(100).containsOnly(10);
  }

  @Test
  void resultsComeBackInItemOrder() {
    assertThat(BoundedAsks.inWindow(List.of(3, 1, 2), 2, i -> CompletableFuture.completedFuture(i * 2)).join())
        .containsExactly(6, 2, 4);
  }

  @Test
  void theFirstFailureFailsTheWhole() {
    CompletableFuture<List<Integer>> all =
        BoundedAsks.inWindow(
            List.of(1, 2, 3),
            3,
            i -> i == 2 ? CompletableFuture.failedFuture(new IllegalStateException("no")) : CompletableFuture.completedFuture(i));
    assertThatThrownBy(all::join).isInstanceOf(CompletionException.class).hasRootCauseMessage("no");
  }

  @Test
  void anEmptyListIsDoneAtOnce() {
    assertThat(BoundedAsks.inWindow(List.<Integer>of(), 4, i -> CompletableFuture.completedFuture(i)).join()).isEmpty();
  }
}
