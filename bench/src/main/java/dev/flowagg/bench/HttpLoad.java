package dev.flowagg.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load harness for the HTTP API: POSTs batches of flow records over a fixed set of tuples and hours from several
 * concurrent clients, reports records/s accepted, then checks the totals and measures GET latency on one hour.
 *
 * <p>Usage: {@code java -cp bench/target/flowagg-bench.jar dev.flowagg.bench.HttpLoad [key=value ...]} with keys
 * {@code target} (http://127.0.0.1:8080; several, comma-separated, spread the clients over a cluster's nodes), {@code records} (total records to POST, 1000000), {@code batch} (1000),
 * {@code tuples} (1000), {@code hours} (4), {@code clients} (8), {@code getHourTuples} (10000: tuples loaded into the
 * hour whose GET latency is measured), {@code gets} (200).
 */
public final class HttpLoad {

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new java.util.HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    // Several comma-separated targets (the nodes of a cluster): client c posts to target c mod n.
    String[] targets = opts.getOrDefault("target", "http://127.0.0.1:8080").split(",");
    String target = targets[0];
    long records = Long.parseLong(opts.getOrDefault("records", "1000000"));
    int batch = Integer.parseInt(opts.getOrDefault("batch", "1000"));
    int tuples = Integer.parseInt(opts.getOrDefault("tuples", "1000"));
    int hours = Integer.parseInt(opts.getOrDefault("hours", "4"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "8"));
    int getHourTuples = Integer.parseInt(opts.getOrDefault("getHourTuples", "10000"));
    int gets = Integer.parseInt(opts.getOrDefault("gets", "200"));
    // Recent hours (older ones are past the retention); names of this run's own, so totals start from zero.
    long baseHour = System.currentTimeMillis() / 3_600_000 - hours - 2;
    String run = Long.toString(System.currentTimeMillis() % 2_000_000_000L, 36);

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long batches = records / batch;
    AtomicLong next = new AtomicLong();
    AtomicLong accepted = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long[] expectedTx = new long[tuples * hours];

    System.out.printf(
        "POST %d records in batches of %d over %d tuples x %d hours, %d clients -> %s%n",
        records, batch, tuples, hours, clients, String.join(",", targets));
    long t0 = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      List<Future<?>> fs = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        String clientTarget = targets[c % targets.length];
        fs.add(
            pool.submit(
                () -> {
                  for (long b = next.getAndIncrement(); b < batches; b = next.getAndIncrement()) {
                    StringBuilder sb = new StringBuilder(batch * 110).append('[');
                    for (int i = 0; i < batch; i++) {
                      long n = b * batch + i;
                      int tuple = (int) (n % tuples);
                      int hour = (int) ((n / tuples) % hours);
                      if (i > 0) {
                        sb.append(',');
                      }
                      sb.append("{\"src_app\":\"app-")
                          .append(run)
                          .append('-')
                          .append(tuple)
                          .append("\",\"dest_app\":\"db-")
                          .append(tuple % 17)
                          .append("\",\"vpc_id\":\"vpc-")
                          .append(tuple % 3)
                          .append("\",\"bytes_tx\":")
                          .append(n % 1000 + 1)
                          .append(",\"bytes_rx\":")
                          .append(n % 7)
                          .append(",\"hour\":")
                          .append(baseHour + hour)
                          .append('}');
                    }
                    sb.append(']');
                    if (post(http, clientTarget, sb.toString())) {
                      accepted.addAndGet(batch);
                      synchronized (expectedTx) {
                        for (int i = 0; i < batch; i++) {
                          long n = b * batch + i;
                          expectedTx[(int) ((n / tuples) % hours) * tuples + (int) (n % tuples)] += n % 1000 + 1;
                        }
                      }
                    } else {
                      failed.addAndGet(batch);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "accepted %d records in %.2f s: %.0f records/s (%d failed)%n", accepted.get(), secs, accepted.get() / secs,
        failed.get());

    // Check: every tuple of the first hour has exactly the bytes_tx acknowledged.
    String body = get(http, target, baseHour).body();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\{\"src_app\":\"app-" + run + "-\\d+\"[^}]*\"bytes_tx\":(\\d+)").matcher(body);
    long rows = 0;
    long actualSum = 0;
    while (m.find()) {
      rows++;
      actualSum += Long.parseLong(m.group(1));
    }
    long expectedSum = Arrays.stream(expectedTx, 0, tuples).sum();
    System.out.printf(
        "check hour %d: %d rows, bytes_tx sum %d, expected %d -> %s%n",
        baseHour, rows, actualSum, expectedSum, actualSum == expectedSum ? "EXACT" : "MISMATCH");

    // GET latency on an hour with getHourTuples tuples.
    long getHour = baseHour + hours + 1;
    for (int start = 0; start < getHourTuples; start += batch) {
      StringBuilder sb = new StringBuilder().append('[');
      for (int i = start; i < Math.min(getHourTuples, start + batch); i++) {
        if (i > start) {
          sb.append(',');
        }
        sb.append("{\"src_app\":\"svc-")
            .append(run)
            .append('-')
            .append(i)
            .append("\",\"dest_app\":\"api\",\"vpc_id\":\"vpc-9\",\"bytes_tx\":1,\"bytes_rx\":2,\"hour\":")
            .append(getHour)
            .append('}');
      }
      post(http, target, sb.append(']').toString());
    }
    for (int i = 0; i < 10; i++) {
      get(http, target, getHour); // warm up
    }
    long[] lat = new long[gets];
    int n = 0;
    for (int i = 0; i < gets; i++) {
      long s = System.nanoTime();
      HttpResponse<String> r = get(http, target, getHour);
      lat[i] = System.nanoTime() - s;
      n = (int) r.body().chars().filter(ch -> ch == '{').count();
    }
    Arrays.sort(lat);
    System.out.printf(
        "GET /flows?hour=%d (%d tuples) x %d: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        getHour, n, gets, lat[gets / 2] / 1e6, lat[(int) (gets * 0.99)] / 1e6, lat[gets - 1] / 1e6);
  }

  private static boolean post(HttpClient http, String target, String json) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(target + "/flows"))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(60))
                  .POST(HttpRequest.BodyPublishers.ofString(json))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        System.err.println("POST answered " + r.statusCode() + ": " + r.body());
      }
      return r.statusCode() == 200;
    } catch (Exception e) {
      System.err.println("POST failed: " + e);
      return false;
    }
  }

  private static HttpResponse<String> get(HttpClient http, String target, long hour) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(target + "/flows?hour=" + hour)).timeout(Duration.ofSeconds(60)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
