package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.testing.FlowTotals;
import dev.flowagg.node.testing.FlowTotals.Totals;
import dev.flowagg.node.testing.NodeProcess;
import dev.flowagg.node.testing.WriteLoad;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The embedded H2 database on a disk that fills up (a small tmpfs of the test's own): writes are refused at once
 * while the disk is full, readiness says why, and once space is freed the node takes writes again without a restart;
 * every acknowledged write is counted exactly once.
 */
class DiskFullIT {

  private static final long HOUR = 480_400;

  private static WriteLoad.Write write(int client, int n) {
    String a = "c" + client + "-" + (n % 40);
    return new WriteLoad.Write("disk-" + client + "-" + n,
        FlowTotals.records(List.of(a, a + "-b"), "db", "vpc-1", List.of(n + 1L, 2L), HOUR),
        Map.of(FlowTotals.tuple(a, "db", "vpc-1"), new Totals(n + 1, 1),
            FlowTotals.tuple(a + "-b", "db", "vpc-1"), new Totals(2, 1)));
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("this test needs root to mount a tmpfs: '" + String.join(" ", cmd)
          + "' failed: " + out);
    }
  }

  /** Writes until the disk is full; returns the file. */
  private static Path fill(Path dir) throws IOException {
    Path filler = dir.resolve("filler");
    byte[] chunk = new byte[256 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      return filler;
    }
  }

  @Test
  void aFullDiskRefusesWritesAtOnceAndWritesResumeOnceSpaceIsFreed() throws Exception {
    Path mount = Files.createTempDirectory("flowagg-small-disk");
    run("mount", "-t", "tmpfs", "-o", "size=160m", "tmpfs", mount.toString());
    try {
      // The data directory is the small disk itself; the node's log lands beside it, on the test's disk.
      try (NodeProcess node = NodeProcess.configure(mount, Map.of()).start()) {
        WriteLoad load = new WriteLoad(List.of(node.http), DiskFullIT::write, true).start(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged.size() > 50);
        Path filler = fill(mount);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
          HttpResponse<String> r = node.http.get("/health/ready");
          return r.statusCode() == 503 && r.body().contains("database");
        });
        long t = System.nanoTime();
        HttpResponse<String> refused = node.http.postJson("/flows", write(99, 0).body());
        long refusedMs = (System.nanoTime() - t) / 1_000_000;
        assertThat(refused.statusCode()).isIn(503, 507);
        assertThat(refusedMs).isLessThan(2_000);

        Files.delete(filler);
        long freed = System.nanoTime();
        int ackedAtFree = load.acknowledged.size();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> load.acknowledged.size() > ackedAtFree);
        long resumedMs = (System.nanoTime() - freed) / 1_000_000;
        await().atMost(Duration.ofSeconds(10)).until(() -> node.http.get("/health/ready").statusCode() == 200);
        System.out.println("disk full: a write refused in " + refusedMs + " ms; writes acknowledged again " + resumedMs
            + " ms after space was freed");
        assertThat(resumedMs).isLessThan(10_000);

        load.stop();
        assertThat(load.unacknowledged).isEmpty();
        assertThat(load.unexpected).isEmpty();
        Map<String, Totals> served = FlowTotals.parse(node.http.get("/flows?hour=" + HOUR).body());
        assertThat(served).isEqualTo(WriteLoad.totalsOf(load.acknowledged));
      }
    } finally {
      run("umount", "-l", mount.toString());
    }
  }
}
