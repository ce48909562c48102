package dev.flowagg.node.logging;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * Tells {@code logback.xml} which appender FLOWAGG_LOG_FORMAT selects; an unknown value selects text here (the
 * node then refuses to start with a message saying why, so a typo never silences the log).
 */
public final class LogFormatAppender extends PropertyDefinerBase {

  @Override
  public String getPropertyValue() {
    try {
      return LogFormat.fromEnvironment().name();
    } catch (IllegalArgumentException e) {
      return LogFormat.TEXT.name();
    }
  }
}
