package dev.flowagg.node.http;

import dev.flowagg.node.aggregate.ShardDistribution;
import dev.flowagg.node.process.BuildInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /cluster}: the members, their status and reachability, the version and commit each runs, and the shards
 * and entities each hosts.
 */
public final class ClusterRoutes extends AllDirectives {

  private final ActorSystem<?> system;
  private final Duration timeout;

  public ClusterRoutes(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.timeout = timeout;
  }

  public Route routes() {
    return path(
        "cluster",
        () ->
            concat(
                get(() -> extractRequest(r -> completeWithFuture(clusterView()))),
                RouteFallbacks.methodNotAllowed("GET")));
  }

  private CompletionStage<HttpResponse> clusterView() {
    return ShardDistribution.ask(system, timeout)
        .thenApply(
            distribution -> {
              ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
              Set<Member> unreachable = state.getUnreachable();
              List<Map<String, Object>> members = new ArrayList<>();
              for (Member m : StreamSupport.stream(state.getMembers().spliterator(), false).toList()) {
                Map<String, Object> shards = new LinkedHashMap<>();
                Map<String, Object> entities = new LinkedHashMap<>();
                for (EntityTypeKey<?> type : ShardDistribution.TYPES) {
                  ShardDistribution.Hosted hosted = distribution.of(type.name(), m.address());
                  shards.put(type.name(), hosted.shards());
                  entities.put(type.name(), hosted.entities());
                }
                Map<String, Object> member = new LinkedHashMap<>();
                member.put("address", m.address().toString());
                member.put("status", m.status().toString());
                member.put("reachable", !unreachable.contains(m));
                member.put("roles", m.getRoles().stream().sorted().collect(Collectors.toList()));
                BuildInfo build = BuildInfo.fromAppVersion(m.appVersion().version());
                member.put("version", build.version());
                member.put("commit", build.commit());
                member.put("shards", shards);
                member.put("entities", entities);
                members.add(member);
              }
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("self", Cluster.get(system).selfMember().address().toString());
              Address leader = state.getLeader();
              body.put("leader", leader == null ? null : leader.toString());
              body.put("members", members);
              return JsonBodies.json(StatusCodes.OK, body);
            })
        .exceptionally(
            failure ->
                JsonBodies.error(
                    StatusCodes.SERVICE_UNAVAILABLE, "cluster sharding did not answer in time: " + failure));
  }
}
