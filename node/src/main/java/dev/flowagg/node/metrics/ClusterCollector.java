package dev.flowagg.node.metrics;

import dev.flowagg.node.aggregate.ShardDistribution;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Cluster members by status as this node sees them, and the shards and entities this node hosts. Sharding answers
 * asynchronously, so {@link #refresh} asks before a scrape and the scrape shows the latest answer.
 */
public final class ClusterCollector implements MultiCollector {

  // Always written, so a dashboard sees 0 rather than a missing series when no member is in a status.
  private static final String[] STATUSES = {"Joining", "WeaklyUp", "Up", "Leaving", "Exiting", "Down"};

  private final ActorSystem<?> system;
  private volatile ShardDistribution latest;

  public ClusterCollector(ActorSystem<?> system) {
    this.system = system;
  }

  /** Asks sharding for the current distribution; completes (never fails) once it answered or gave up. */
  public CompletionStage<Void> refresh(Duration timeout) {
    return ShardDistribution.ask(system, timeout)
        .handle(
            (distribution, failure) -> {
              if (distribution != null) {
                latest = distribution;
              }
              return (Void) null;
            });
  }

  @Override
  public MetricSnapshots collect() {
    ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
    ScrapedFamily members =
        new ScrapedFamily("flowagg_cluster_members", "Cluster members as this node sees them, by status", "status");
    for (String status : STATUSES) {
      members.add(0, status);
    }
    for (Member m : state.getMembers()) {
      members.add(1, m.status().toString());
    }
    ScrapedFamily unreachable =
        new ScrapedFamily("flowagg_cluster_unreachable_members", "Members this node's failure detector cannot reach")
            .add(state.getUnreachable().size());
    ScrapedFamily shards = new ScrapedFamily("flowagg_shards", "Shards hosted on this node, by entity type", "entity");
    ScrapedFamily entities =
        new ScrapedFamily("flowagg_entities", "Entities running on this node, by entity type", "entity");
    Address self = Cluster.get(system).selfMember().address();
    ShardDistribution distribution = latest;
    for (EntityTypeKey<?> type : ShardDistribution.TYPES) {
      ShardDistribution.Hosted hosted =
          distribution == null ? new ShardDistribution.Hosted(0, 0) : distribution.of(type.name(), self);
      shards.add(hosted.shards(), type.name());
      entities.add(hosted.entities(), type.name());
    }
    return MetricSnapshots.of(members.gauge(), unreachable.gauge(), shards.gauge(), entities.gauge());
  }

}
