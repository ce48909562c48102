package dev.flowagg.protocol.netflow.encode;

import dev.flowagg.protocol.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic, realistic-looking flow records: clients on ephemeral ports talking to servers on service ports,
 * IPv4 and some IPv6, heavy-tailed byte counts, end times rising evenly over the shape's hours.
 *
 * <p>Each conversation gives a client-to-server record and usually (not always: some traffic is one-way) the
 * server's answer, or one biflow record whose forward direction is either side. Server popularity is skewed: a few
 * servers get most conversations. Clients are in 10.0.0.0/8 and fd00:c::/32, servers in 172.16.0.0/12 and
 * fd00:5::/32. Not thread-safe.
 */
public final class SyntheticTraffic {

  /** A service a server offers: port, IP protocol, share of servers, and median-ish sizes of the two directions. */
  private record Service(int port, int protocol, double weight, long requestBytes, long responseBytes) {}

  private static final List<Service> SERVICES = List.of(
      new Service(443, 6, 0.35, 900, 8_000),
      new Service(80, 6, 0.10, 600, 12_000),
      new Service(5432, 6, 0.12, 400, 3_000),
      new Service(53, 17, 0.15, 70, 200),
      new Service(3306, 6, 0.05, 400, 2_500),
      new Service(6379, 6, 0.05, 120, 300),
      new Service(8080, 6, 0.06, 700, 9_000),
      new Service(9092, 6, 0.07, 20_000, 500),
      new Service(123, 17, 0.05, 76, 76));

  private static final int EPHEMERAL_FIRST = 32_768;
  private static final int EPHEMERAL_COUNT = 60_999 - EPHEMERAL_FIRST + 1;
  /** Fits a v5 record's 32-bit octet counter. */
  private static final long MAX_BYTES = 2_000_000_000L;
  private static final double ONE_WAY_SHARE = 0.08;

  private final TrafficShape shape;
  private final SplittableRandom random;
  private final IpAddress[][] clients = new IpAddress[2][];
  private final IpAddress[][] servers = new IpAddress[2][];
  private final Service[][] serverServices = new Service[2][];
  private final double[] familyShare = new double[2];
  private long produced;
  private long conversations;
  /** The answer to the last request, waiting to be produced next. */
  private FlowSpec answer;

  public SyntheticTraffic(TrafficShape shape) {
    this.shape = shape;
    this.random = new SplittableRandom(shape.seed());
    int v6Clients = (int) Math.floor(shape.clients() * shape.ipv6Share());
    int v6Servers = (int) Math.floor(shape.servers() * shape.ipv6Share());
    if (v6Clients == 0 || v6Servers == 0 || v6Clients == shape.clients() || v6Servers == shape.servers()) {
      boolean allV6 = shape.ipv6Share() >= 1;
      v6Clients = allV6 ? shape.clients() : 0;
      v6Servers = allV6 ? shape.servers() : 0;
    }
    fillFamily(0, shape.clients() - v6Clients, shape.servers() - v6Servers);
    fillFamily(1, v6Clients, v6Servers);
    familyShare[1] = (double) v6Clients / shape.clients();
    familyShare[0] = 1 - familyShare[1];
  }

  public TrafficShape shape() {
    return shape;
  }

  /** Records produced so far. */
  public long produced() {
    return produced;
  }

  public boolean hasNext() {
    return produced < shape.records();
  }

  /** Up to {@code max} next records, fewer at the end; an empty list when all were produced. */
  public List<FlowSpec> next(int max) {
    List<FlowSpec> out = new ArrayList<>(Math.min(max, 1024));
    while (out.size() < max && hasNext()) {
      out.add(next());
    }
    return out;
  }

  /** The next record. */
  public FlowSpec next() {
    if (!hasNext()) {
      throw new IllegalStateException("all " + shape.records() + " records were produced");
    }
    long end = endMillisOf(produced);
    FlowSpec flow;
    if (answer != null) {
      flow = withEnd(answer, end);
      answer = null;
    } else {
      flow = conversation(end);
    }
    produced++;
    return flow;
  }

  /** End times rise evenly over the span, each with a jitter inside its own slot of the span. */
  private long endMillisOf(long index) {
    double slot = (double) shape.spanMillis() / shape.records();
    long offset = (long) (index * slot) + random.nextLong(Math.max(1, (long) slot));
    return shape.startMillis() + Math.min(offset, shape.spanMillis() - 1);
  }

  private FlowSpec conversation(long end) {
    int family;
    int clientIndex;
    int serverIndex;
    if (shape.pairs() > 0) {
      // The next of the fixed pairs, in turn: clients of one family, each paired with consecutive servers.
      family = clients[0].length > 0 ? 0 : 1;
      int pair = (int) (conversations++ % shape.pairs());
      clientIndex = pair / servers[family].length % clients[family].length;
      serverIndex = pair % servers[family].length;
    } else {
      family = familyShare[1] > 0 && random.nextDouble() < familyShare[1] ? 1 : 0;
      clientIndex = random.nextInt(clients[family].length);
      // Popularity skew: the cube of a uniform number favours the first servers.
      double u = random.nextDouble();
      serverIndex = (int) (servers[family].length * u * u * u);
    }
    IpAddress client = clients[family][clientIndex];
    IpAddress server = servers[family][serverIndex];
    Service service = serverServices[family][serverIndex];
    int clientPort = EPHEMERAL_FIRST + random.nextInt(EPHEMERAL_COUNT);
    long requestBytes = heavyTailed(service.requestBytes(), 1.6);
    long responseBytes = random.nextDouble() < ONE_WAY_SHARE ? 0 : heavyTailed(service.responseBytes(), 1.1);
    FlowSpec request = new FlowSpec(client, server, clientPort, service.port(), service.protocol(), requestBytes,
        packetsOf(requestBytes), end, 0, 0);
    FlowSpec response = responseBytes == 0 ? null : new FlowSpec(server, client, service.port(), clientPort,
        service.protocol(), responseBytes, packetsOf(responseBytes), end, 0, 0);
    if (response == null) {
      return request;
    }
    if (shape.biflow()) {
      // Exporters put either side first (softflowd: the lower address); the collector must orient both.
      return random.nextBoolean() ? request.withReverse(response.bytes(), response.packets())
          : response.withReverse(request.bytes(), request.packets());
    }
    answer = response;
    return request;
  }

  /** A Pareto-distributed size whose median is about {@code median}: mostly small, now and then huge. */
  private long heavyTailed(long median, double alpha) {
    double scale = median / Math.pow(2, 1 / alpha);
    double value = scale / Math.pow(1 - random.nextDouble(), 1 / alpha);
    return Math.max(40, Math.min(MAX_BYTES, Math.round(value)));
  }

  private static long packetsOf(long bytes) {
    return 1 + bytes / 1200;
  }

  private static FlowSpec withEnd(FlowSpec f, long end) {
    return new FlowSpec(f.src(), f.dst(), f.srcPort(), f.dstPort(), f.protocol(), f.bytes(), f.packets(), end,
        f.reverseBytes(), f.reversePackets());
  }

  private void fillFamily(int family, int clientCount, int serverCount) {
    clients[family] = new IpAddress[clientCount];
    servers[family] = new IpAddress[serverCount];
    serverServices[family] = new Service[serverCount];
    for (int i = 0; i < clientCount; i++) {
      clients[family][i] = family == 0 ? IpAddress.ofV4(0x0A00_0000 | (i + 1))
          : new IpAddress(0xFD00_000C_0000_0000L, i + 1);
    }
    for (int i = 0; i < serverCount; i++) {
      servers[family][i] = family == 0 ? IpAddress.ofV4(0xAC10_0000 | (i + 1))
          : new IpAddress(0xFD00_0005_0000_0000L, i + 1);
      serverServices[family][i] = pickService();
    }
  }

  private Service pickService() {
    double u = random.nextDouble();
    for (Service s : SERVICES) {
      u -= s.weight();
      if (u < 0) {
        return s;
      }
    }
    return SERVICES.getFirst();
  }
}
