package dev.flowagg.node.logging;

import static net.logstash.logback.argument.StructuredArguments.v;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per HTTP request on the logger {@value #LOGGER} (so operators can route or silence it): method, path
 * without the query string, status, duration and client address. Never headers or bodies, so never tokens.
 */
public final class AccessLog {

  public static final String LOGGER = "flowagg.access";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  private AccessLog() {}

  public static void request(String method, String path, int status, long nanos, String client) {
    if (log.isInfoEnabled()) {
      // In JSON each value is also a field of its own (method, path, status, duration_ms, client).
      log.info(
          "{} {} {} {} ms {}",
          v("method", method),
          v("path", LogText.printable(path, 512)),
          v("status", status),
          v("duration_ms", nanos / 1_000_000),
          v("client", client));
    }
  }
}
