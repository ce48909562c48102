package dev.flowagg.node;

import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.process.StartFailure;
import dev.flowagg.node.settings.NodeSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

/**
 * The three addresses a node listens on — HTTP (TCP), NetFlow (UDP) and the cluster (TCP) — and the one-line failure
 * for each when it cannot be listened on. {@link #check} binds and releases each one before anything starts, so that
 * a port in use stops the start at once, with its own exit code, rather than after the database and the cluster.
 */
public enum ListenAddresses {
  HTTP("HTTP API", "FLOWAGG_HTTP_HOST", "FLOWAGG_HTTP_PORT", ExitCode.HTTP_PORT),
  NETFLOW("NetFlow listener", "FLOWAGG_NETFLOW_HOST", "FLOWAGG_NETFLOW_PORT", ExitCode.NETFLOW_PORT),
  CLUSTER("cluster transport", "FLOWAGG_CLUSTER_HOST", "FLOWAGG_CLUSTER_PORT", ExitCode.CLUSTER_PORT);

  private final String what;
  private final String hostVariable;
  private final String portVariable;
  private final ExitCode exitCode;

  ListenAddresses(String what, String hostVariable, String portVariable, ExitCode exitCode) {
    this.what = what;
    this.hostVariable = hostVariable;
    this.portVariable = portVariable;
    this.exitCode = exitCode;
  }

  /** Binds and releases each address the settings name (a port of 0 is left to the OS, and NetFlow 0 is off). */
  public static void check(NodeSettings settings) {
    if (settings.httpPort() != 0) {
      HTTP.probe(settings.httpHost(), settings.httpPort(), ServerSocketChannel::open);
    }
    if (settings.ingest().enabled()) {
      NETFLOW.probe(settings.ingest().netflowHost(), settings.ingest().netflowPort(), DatagramChannel::open);
    }
    if (settings.clusterPort() != 0) {
      CLUSTER.probe(settings.clusterHost(), settings.clusterPort(), ServerSocketChannel::open);
    }
  }

  /** The start failure for {@code cause}, met listening on {@code host:port}. */
  public StartFailure failure(String host, int port, Throwable cause) {
    String reason = reason(cause);
    String advice =
        switch (reason) {
          case "address already in use" -> "stop what uses it, or set " + portVariable + " to a free port";
          case "permission denied" -> "ports below 1024 need root or CAP_NET_BIND_SERVICE: set " + portVariable
              + " to 1024 or above";
          case "unknown host" -> "set " + hostVariable + " to an address or resolvable name of this machine";
          default -> "set " + hostVariable + " to an address of this machine (0.0.0.0 for all)";
        };
    return new StartFailure(
        exitCode,
        "cannot listen for the " + what + " on " + host + ":" + port + " (" + hostVariable + "=" + host + ", "
            + portVariable + "=" + port + "): " + reason + "; " + advice,
        cause);
  }

  private interface Opener {
    NetworkChannel open() throws IOException;
  }

  private void probe(String host, int port, Opener opener) {
    try (NetworkChannel channel = opener.open()) {
      channel.bind(new InetSocketAddress(host, port));
    } catch (IOException | UnresolvedAddressException | SecurityException e) {
      throw failure(host, port, e);
    }
  }

  private static String reason(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "unknown host";
      }
      String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (message.contains("address already in use")) {
        return "address already in use";
      }
      if (message.contains("permission denied")) {
        return "permission denied";
      }
      if (message.contains("cannot assign requested address")) {
        return "not an address of this machine";
      }
    }
    return cause.toString();
  }
}
