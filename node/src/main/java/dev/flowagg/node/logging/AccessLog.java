package dev.flowagg.node.logging;

import static net.logstash.logback.argument.StructuredArguments.v;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One line per HTTP request on the logger {@value #LOGGER} (so operators can route or silence it): method, path
 * without the query string, status, duration and client address. Never headers or bodies, so never tokens.
 *
 * <p>Health probes and metrics scrapes that succeed are logged at DEBUG: an orchestrator and a Prometheus server
 * send one every few seconds, and at INFO they would bury the requests people make. A failed one is logged at INFO
 * like any other request.
 */
public final class AccessLog {

  public static final String LOGGER = "flowagg.access";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  private AccessLog() {}

  public static void request(String method, String path, int status, long nanos, String client) {
    Level level = isRoutine(path, status) ? Level.DEBUG : Level.INFO;
    if (log.isEnabledForLevel(level)) {
      // In JSON each value is also a field of its own (method, path, status, duration_ms, client).
      log.atLevel(level).log(
          "{} {} {} {} ms {}",
          v("method", method),
          v("path", LogText.printable(path, 512)),
          v("status", status),
          v("duration_ms", nanos / 1_000_000),
          v("client", client));
    }
  }

  /** A successful health probe or metrics scrape. */
  static boolean isRoutine(String path, int status) {
    return status < 400 && (path.equals("/metrics") || path.startsWith("/health/"));
  }
}
