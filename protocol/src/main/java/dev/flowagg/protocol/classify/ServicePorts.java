package dev.flowagg.protocol.classify;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * The set of ports that mark the server side of a conversation.
 *
 * <p>Held as a 65 536-bit set, so a membership test is one array read and one shift.
 */
public final class ServicePorts {

  /** Registered service ports at or above 1024 that are common enough in data-centre traffic to name the server. */
  private static final int[] WELL_KNOWN_HIGH_PORTS = {
    1433, // Microsoft SQL Server
    1521, // Oracle database listener
    1883, // MQTT
    2049, // NFS
    2181, // ZooKeeper client
    2379, // etcd client
    2380, // etcd peer
    3306, // MySQL / MariaDB
    3389, // RDP
    5432, // PostgreSQL
    5439, // Amazon Redshift
    5671, // AMQP over TLS
    5672, // AMQP (RabbitMQ)
    6379, // Redis
    6443, // Kubernetes API server
    8080, // HTTP alternate
    8443, // HTTPS alternate
    8883, // MQTT over TLS
    9042, // Cassandra CQL
    9092, // Kafka
    9200, // Elasticsearch / OpenSearch HTTP
    9300, // Elasticsearch transport
    11211, // memcached
    27017, // MongoDB
  };

  private static final ServicePorts DEFAULTS = buildDefaults();

  private final long[] bits;

  private ServicePorts(long[] bits) {
    this.bits = bits;
  }

  /** Every port below 1024 (the IANA system ports) plus the common service ports listed above. */
  public static ServicePorts defaults() {
    return DEFAULTS;
  }

  /** Exactly the given ports. */
  public static ServicePorts of(int... ports) {
    return new ServicePorts(new long[1024]).with(ports);
  }

  /** This set plus the given ports. */
  public ServicePorts with(int... ports) {
    long[] copy = Arrays.copyOf(bits, bits.length);
    for (int port : ports) {
      checkPort(port);
      copy[port >>> 6] |= 1L << port;
    }
    return new ServicePorts(copy);
  }

  /** This set plus every port from {@code first} to {@code last}, both included. */
  public ServicePorts withRange(int first, int last) {
    checkPort(first);
    checkPort(last);
    if (first > last) {
      throw new IllegalArgumentException("port range " + first + "-" + last + " runs backwards");
    }
    long[] copy = Arrays.copyOf(bits, bits.length);
    for (int port = first; port <= last; port++) {
      copy[port >>> 6] |= 1L << port;
    }
    return new ServicePorts(copy);
  }

  /** Whether {@code port} is a service port; anything outside 0..65535 is not. */
  public boolean contains(int port) {
    return (port & ~0xFFFF) == 0 && (bits[port >>> 6] & 1L << port) != 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServicePorts other && Arrays.equals(bits, other.bits);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bits);
  }

  /** The ports as ranges, for example {@code [0-1023, 1433, 3306]}. */
  @Override
  public String toString() {
    StringJoiner ranges = new StringJoiner(", ", "[", "]");
    for (int port = 0; port < 65536; port++) {
      if (!contains(port)) {
        continue;
      }
      int first = port;
      while (port + 1 < 65536 && contains(port + 1)) {
        port++;
      }
      ranges.add(first == port ? Integer.toString(first) : first + "-" + port);
    }
    return ranges.toString();
  }

  static void checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("a port is 0..65535, not " + port);
    }
  }

  private static ServicePorts buildDefaults() {
    return of().withRange(0, 1023).with(WELL_KNOWN_HIGH_PORTS);
  }
}
