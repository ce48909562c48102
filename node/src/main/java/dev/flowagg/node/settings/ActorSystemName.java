package dev.flowagg.node.settings;

/** The name every node's actor system has: nodes of one cluster must agree on it. */
public final class ActorSystemName {
  public static final String NAME = "flowagg";

  private ActorSystemName() {}
}
