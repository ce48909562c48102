package dev.flowagg.node.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logger of warnings about rejected input, whichever way it came: refused HTTP requests, and malformed NetFlow
 * or NetFlow from exporters outside the allow-list. One name, so operators can route or silence them together.
 */
public final class BadInputLog {

  public static final String LOGGER = "flowagg.bad-input";

  public static final Logger log = LoggerFactory.getLogger(LOGGER);

  private BadInputLog() {}
}
