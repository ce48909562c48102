package dev.flowagg.node.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong clock = new AtomicLong(123 * SECOND);

  @Test
  void aClientMayBurstThenGetsRateRequestsPerSecond() {
    RateLimiter limiter = new RateLimiter(2, 3, 100, clock::get);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("a")).isZero();
    }
    assertThat(limiter.tryAcquire("a")).isEqualTo(SECOND / 2);
    clock.addAndGet(SECOND / 2);
    assertThat(limiter.tryAcquire("a")).isZero();
    assertThat(limiter.tryAcquire("a")).isEqualTo(SECOND / 2);
    clock.addAndGet(10 * SECOND);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("a")).as("refilled to the burst, no further").isZero();
    }
    assertThat(limiter.tryAcquire("a")).isPositive();
  }

  @Test
  void refusedRequestsDoNotUseTheBucket() {
    RateLimiter limiter = new RateLimiter(1, 1, 100, clock::get);
    assertThat(limiter.tryAcquire("a")).isZero();
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire("a")).isEqualTo(SECOND);
    }
    clock.addAndGet(SECOND);
    assertThat(limiter.tryAcquire("a")).isZero();
  }

  @Test
  void clientsHaveTheirOwnBuckets() {
    RateLimiter limiter = new RateLimiter(1, 1, 100, clock::get);
    assertThat(limiter.tryAcquire("a")).isZero();
    assertThat(limiter.tryAcquire("a")).isPositive();
    assertThat(limiter.tryAcquire("b")).isZero();
  }

  @Test
  void retryAfterIsWholeSecondsRoundedUp() {
    assertThat(RateLimiter.retryAfterSeconds(1)).isEqualTo(1);
    assertThat(RateLimiter.retryAfterSeconds(SECOND)).isEqualTo(1);
    assertThat(RateLimiter.retryAfterSeconds(SECOND + 1)).isEqualTo(2);
    RateLimiter slow = new RateLimiter(0.1, 1, 100, clock::get);
    slow.tryAcquire("a");
    assertThat(RateLimiter.retryAfterSeconds(slow.tryAcquire("a"))).isEqualTo(10);
  }

  @Test
  void idleClientsAreForgottenSoMemoryStaysBounded() {
    RateLimiter limiter = new RateLimiter(10, 1, 1_000_000, clock::get);
    for (int i = 0; i < 1000; i++) {
      limiter.tryAcquire("client-" + i);
    }
    assertThat(limiter.trackedClients()).isEqualTo(1000);
    clock.addAndGet(2 * SECOND);
    limiter.tryAcquire("newcomer");
    assertThat(limiter.trackedClients()).isEqualTo(1);
  }

  @Test
  void pastMaxClientsNewcomersShareOneBucket() {
    RateLimiter limiter = new RateLimiter(1, 1, 2, clock::get);
    assertThat(limiter.tryAcquire("a")).isZero();
    assertThat(limiter.tryAcquire("b")).isZero();
    assertThat(limiter.tryAcquire("c")).isZero();
    assertThat(limiter.tryAcquire("d")).as("shares c's bucket").isPositive();
    assertThat(limiter.trackedClients()).isEqualTo(2);
  }

  @Test
  void concurrentRequestsGetExactlyTheBurst() throws Exception {
    RateLimiter limiter = new RateLimiter(1, 500, 100, clock::get);
    AtomicInteger granted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    for (int i = 0; i < 200; i++) {
                      if (limiter.tryAcquire("shared") == 0) {
                        granted.incrementAndGet();
                      }
                    }
                  }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(granted.get()).isEqualTo(500);
  }
}
