package dev.flowagg.node.aggregate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/** How many shards and entities of each entity type every cluster member hosts, from sharding's own statistics. */
public final class ShardDistribution {

  /** The sharded entity types. */
  public static final List<EntityTypeKey<?>> TYPES = List.of(FlowSlice.TYPE_KEY);

  /** One member's share of one entity type. */
  public record Hosted(int shards, int entities) {
    static final Hosted NONE = new Hosted(0, 0);
  }

  private final Map<String, Map<Address, Hosted>> byType;

  private ShardDistribution(Map<String, Map<Address, Hosted>> byType) {
    this.byType = byType;
  }

  /** Asks every member's shard regions; members that don't answer within {@code timeout} are left out. */
  public static CompletableFuture<ShardDistribution> ask(ActorSystem<?> system, Duration timeout) {
    List<CompletableFuture<ShardRegion.ClusterShardingStats>> stats = new ArrayList<>();
    for (EntityTypeKey<?> type : TYPES) {
      stats.add(
          AskPattern.<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
                  ClusterSharding.get(system).shardState(),
                  replyTo -> new GetClusterShardingStats(type, timeout, replyTo),
                  timeout.plusSeconds(1),
                  system.scheduler())
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(stats.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              Map<String, Map<Address, Hosted>> byType = new LinkedHashMap<>();
              for (int i = 0; i < TYPES.size(); i++) {
                Map<Address, Hosted> hosted = new LinkedHashMap<>();
                stats.get(i).join().getRegions().forEach(
                    (address, region) ->
                        hosted.put(
                            address,
                            new Hosted(
                                region.getStats().size(),
                                region.getStats().values().stream().mapToInt(n -> (Integer) n).sum())));
                byType.put(TYPES.get(i).name(), hosted);
              }
              return new ShardDistribution(byType);
            });
  }

  /** What {@code member} hosts of the entity type named {@code type}; none if it didn't answer. */
  public Hosted of(String type, Address member) {
    return byType.getOrDefault(type, Map.of()).getOrDefault(member, Hosted.NONE);
  }
}
