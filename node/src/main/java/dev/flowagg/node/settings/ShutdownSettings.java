package dev.flowagg.node.settings;

import java.time.Duration;

/**
 * The steps of a graceful stop: how long readiness says 503 before the port closes, how long requests under way may
 * take, how long the NetFlow buffer may take to reach the entities, and the deadline of the whole stop.
 */
public record ShutdownSettings(Duration unreadyDelay, Duration requestsDeadline, Duration flushDeadline, Duration deadline) {

  static ShutdownSettings from(FlowaggConfig c) {
    return new ShutdownSettings(
        c.getDuration("unready-delay"),
        c.getDuration("requests-deadline"),
        c.getDuration("flush-deadline"),
        c.getDuration("deadline"));
  }
}
