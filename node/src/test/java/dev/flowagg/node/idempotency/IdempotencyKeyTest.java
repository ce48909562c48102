package dev.flowagg.node.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyKeyTest {

  private final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseString(
                  "pekko.actor.serialization-bindings { \"dev.flowagg.node.CborSerializable\" = jackson-cbor }")
              .withFallback(EventSourcedBehaviorTestKit.config()));

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  private EventSourcedBehaviorTestKit<IdempotencyKey.Command, IdempotencyKey.Event, IdempotencyKey.State> key(
      Duration retention) {
    String id = IdempotencyKey.entityId("key-" + System.nanoTime());
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        Behaviors.setup(ctx -> new IdempotencyKey(id, retention)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
  }

  private static IdempotencyKey.BeginReply begin(
      EventSourcedBehaviorTestKit<IdempotencyKey.Command, IdempotencyKey.Event, IdempotencyKey.State> key, String hash) {
    return key.<IdempotencyKey.BeginReply>runCommand(replyTo -> new IdempotencyKey.Begin(hash, replyTo)).reply();
  }

  @Test
  void anUnfinishedRequestRunsAgainUnderItsWriteIdEvenAfterARestart() {
    var key = key(Duration.ofHours(24));
    var first = (IdempotencyKey.Proceed) begin(key, "h1");
    key.restart();
    assertThat(begin(key, "h1")).isEqualTo(first);
    assertThat(begin(key, "h2")).isInstanceOf(IdempotencyKey.Mismatch.class);
  }

  @Test
  void aFinishedRequestIsReplayedAndOnlyItsOwnWriteIdFinishesIt() {
    var key = key(Duration.ofHours(24));
    var proceed = (IdempotencyKey.Proceed) begin(key, "h1");
    byte[] answer = "{\"accepted\":1}".getBytes(StandardCharsets.UTF_8);
    key.<IdempotencyKey.Finished>runCommand(replyTo -> new IdempotencyKey.Finish("another-write", 500, new byte[0], replyTo));
    assertThat(begin(key, "h1")).isEqualTo(proceed);
    key.<IdempotencyKey.Finished>runCommand(replyTo -> new IdempotencyKey.Finish(proceed.writeId(), 200, answer, replyTo));
    key.restart();
    var replay = (IdempotencyKey.Replay) begin(key, "h1");
    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.body()).isEqualTo(answer);
    assertThat(begin(key, "h2")).isInstanceOf(IdempotencyKey.Mismatch.class);
  }

  @Test
  void anExpiredKeyStartsANewRequestUnderANewWriteId() {
    var key = key(Duration.ofMillis(1));
    var first = (IdempotencyKey.Proceed) begin(key, "h1");
    long started = System.currentTimeMillis();
    while (System.currentTimeMillis() - started < 3) {
      Thread.onSpinWait(); // past a 1 ms retention
    }
    var second = begin(key, "h2");
    assertThat(second).isInstanceOf(IdempotencyKey.Proceed.class).isNotEqualTo(first);
  }
}
