package dev.flowagg.node.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One Linux network namespace per node, each joined by a veth pair to a bridge in the test's own namespace, so a
 * node can be cut off from everything (the other nodes, the database, the test) by taking its link down, and joined
 * again by bringing it up. Names are unique per run; everything is deleted on close, also after a failed test.
 *
 * <p>Needs root and iproute2 ({@code ip netns}); without them creating it fails with a message saying so.
 */
public final class IsolatedNetwork implements AutoCloseable {

  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
  private final String subnet = "10.213." + ThreadLocalRandom.current().nextInt(1, 255);
  private final String bridge = "fab" + id;
  private final int size;
  private final List<Runnable> undo = new ArrayList<>();
  private final Thread cleanupOnExit = new Thread(this::deleteAll, "isolated-network-cleanup");

  private IsolatedNetwork(int size) {
    this.size = size;
  }

  /** A bridge and {@code size} namespaces, each with its node address up. */
  public static IsolatedNetwork create(int size) {
    IsolatedNetwork net = new IsolatedNetwork(size);
    Runtime.getRuntime().addShutdownHook(net.cleanupOnExit);
    try {
      net.ip("link", "add", net.bridge, "type", "bridge");
      net.undo.add(() -> net.quietly("link", "del", net.bridge));
      net.ip("addr", "add", net.gateway() + "/24", "dev", net.bridge);
      net.ip("link", "set", net.bridge, "up");
      // A Docker engine on the machine sets the FORWARD policy to DROP (and has bridged traffic pass iptables):
      // let the test's bridge forward between its nodes.
      for (String direction : new String[] {"-i", "-o"}) {
        if (net.iptables("-I", "FORWARD", direction, net.bridge, "-j", "ACCEPT")) {
          net.undo.add(() -> net.iptables("-D", "FORWARD", direction, net.bridge, "-j", "ACCEPT"));
        }
      }
      for (int i = 1; i <= size; i++) {
        String ns = net.namespace(i);
        net.ip("netns", "add", ns);
        net.undo.add(() -> net.quietly("netns", "del", ns));
        net.ip("link", "add", net.hostLink(i), "type", "veth", "peer", "name", "eth0", "netns", ns);
        net.ip("link", "set", net.hostLink(i), "master", net.bridge);
        net.ip("link", "set", net.hostLink(i), "up");
        net.ip("-n", ns, "addr", "add", net.address(i) + "/24", "dev", "eth0");
        net.ip("-n", ns, "link", "set", "eth0", "up");
        net.ip("-n", ns, "link", "set", "lo", "up");
      }
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
    return net;
  }

  public int size() {
    return size;
  }

  /** The test namespace's address on the bridge: how nodes reach services of the test (the database forwarder). */
  public String gateway() {
    return subnet + ".1";
  }

  /** Node {@code i}'s address (1-based). */
  public String address(int i) {
    return subnet + "." + (10 + i);
  }

  /** The command prefix that runs a program inside node {@code i}'s namespace. */
  public List<String> commandPrefix(int i) {
    return List.of("ip", "netns", "exec", namespace(i));
  }

  /** Cuts node {@code i} off from the others, the database and the test. */
  public void cut(int i) {
    ip("link", "set", hostLink(i), "down");
  }

  /** Joins node {@code i} again. */
  public void restore(int i) {
    ip("link", "set", hostLink(i), "up");
  }

  private String namespace(int i) {
    return "flowagg-" + id + "-" + i;
  }

  private String hostLink(int i) {
    return "fa" + id + "h" + i;
  }

  private void ip(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    String failure;
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        failure = "timed out";
      } else if (p.exitValue() == 0) {
        return;
      } else {
        failure = "exit " + p.exitValue() + ": " + out;
      }
    } catch (IOException e) {
      failure = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e.toString();
    }
    throw new IllegalStateException(
        "this test needs Linux network namespaces (root and iproute2's 'ip netns'); '" + String.join(" ", cmd)
            + "' failed: " + failure);
  }

  /** Runs iptables if the machine has it; true when the rule was applied. */
  private boolean iptables(String... args) {
    List<String> cmd = new ArrayList<>(List.of("iptables"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false; // no iptables: nothing filters the bridge
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void quietly(String... args) {
    try {
      ip(args);
    } catch (IllegalStateException ignored) {
      // already gone
    }
  }

  private synchronized void deleteAll() {
    for (int i = undo.size() - 1; i >= 0; i--) {
      undo.get(i).run();
    }
    undo.clear();
  }

  @Override
  public void close() {
    deleteAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
    } catch (IllegalStateException alreadyExiting) {
      // the hook is running or has run
    }
  }
}
