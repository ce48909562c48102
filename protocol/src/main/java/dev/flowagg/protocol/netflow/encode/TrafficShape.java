package dev.flowagg.protocol.netflow.encode;

/**
 * What {@link SyntheticTraffic} generates: how many flow records, between how many hosts, ending over which hours.
 *
 * @param seed the same seed and shape give the same flows, record for record
 * @param records flow records in all
 * @param clients client hosts (ephemeral ports)
 * @param servers server hosts (one service port each, such as 443, 5432 or 53)
 * @param firstHour the hour the first flow ends in, in hours since the epoch (UTC)
 * @param hours flow end times spread evenly over this many hours from {@code firstHour}
 * @param ipv6Share the share of clients and of servers that have IPv6 addresses, from 0 to 1
 * @param biflow one RFC 5103 biflow record per conversation instead of one record per direction
 * @param pairs 0: each conversation picks a client at random and a server by popularity; N: the conversations go
 *     round the same N distinct (client, server) pairs in turn, so the collector sees exactly N tuples per hour once
 *     N conversations have ended in it (load tests at a known cardinality; clients x servers must be at least N)
 */
public record TrafficShape(
    long seed, long records, int clients, int servers, long firstHour, int hours, double ipv6Share,
    boolean biflow, int pairs) {

  /** Uptime fields are 32-bit milliseconds: keep every end time well within 49 days of the simulated boot. */
  public static final int MAX_HOURS = 24 * 30;

  /** Clients are numbered within 10.0.0.0/8, servers within 172.16.0.0/12. */
  public static final int MAX_CLIENTS = (1 << 24) - 2;
  public static final int MAX_SERVERS = (1 << 20) - 2;

  public TrafficShape {
    if (records < 0 || clients < 1 || clients > MAX_CLIENTS || servers < 1 || servers > MAX_SERVERS
        || hours < 1 || hours > MAX_HOURS || firstHour < 1) {
      throw new IllegalArgumentException("records >= 0, clients from 1 to " + MAX_CLIENTS + ", servers from 1 to "
          + MAX_SERVERS + ", hours from 1 to " + MAX_HOURS + ", first hour >= 1");
    }
    if (!(ipv6Share >= 0 && ipv6Share <= 1)) {
      throw new IllegalArgumentException("ipv6Share must be between 0 and 1");
    }
    if (pairs < 0 || (long) clients * servers < pairs) {
      throw new IllegalArgumentException("pairs must be from 0 to clients x servers (" + (long) clients * servers + ")");
    }
  }

  /** 1000 clients, 100 servers, one hour, 10 % IPv6, one record per direction. */
  public static TrafficShape of(long seed, long records, long firstHour) {
    return new TrafficShape(seed, records, 1000, 100, firstHour, 1, 0.1, false, 0);
  }

  public TrafficShape withHosts(int clients, int servers) {
    return new TrafficShape(seed, records, clients, servers, firstHour, hours, ipv6Share, biflow, pairs);
  }

  public TrafficShape withHours(int hours) {
    return new TrafficShape(seed, records, clients, servers, firstHour, hours, ipv6Share, biflow, pairs);
  }

  public TrafficShape withIpv6Share(double share) {
    return new TrafficShape(seed, records, clients, servers, firstHour, hours, share, biflow, pairs);
  }

  /** Exactly {@code pairs} IPv4 tuples, taken in turn; clients are added as needed. */
  public TrafficShape withPairs(int pairs) {
    int c = Math.max(clients, (int) Math.min(MAX_CLIENTS, (pairs + servers - 1L) / servers));
    return new TrafficShape(seed, records, c, servers, firstHour, hours, 0, biflow, pairs);
  }

  public TrafficShape withBiflow(boolean biflow) {
    return new TrafficShape(seed, records, clients, servers, firstHour, hours, ipv6Share, biflow, pairs);
  }

  /** The epoch millisecond the first hour starts at. */
  public long startMillis() {
    return firstHour * 3_600_000L;
  }

  /** How long the end times are spread over, in milliseconds. */
  public long spanMillis() {
    return hours * 3_600_000L;
  }
}
