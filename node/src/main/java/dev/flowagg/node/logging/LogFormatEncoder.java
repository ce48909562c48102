package dev.flowagg.node.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The log encoder the log format setting (FLOWAGG_LOG_FORMAT) selects: the configured pattern for people, or one JSON object per line. One
 * appender whose encoder chooses (rather than two appenders, one unused) keeps logback's own start-up report quiet.
 * An unknown value encodes text here; the node then refuses to start, saying why, so a typo never silences the log.
 */
public final class LogFormatEncoder extends EncoderBase<ILoggingEvent> {

  private String pattern = "%d %-5level %logger - %msg%n";
  private Encoder<ILoggingEvent> delegate;

  /** The text format's pattern (logback pattern layout). */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public void start() {
    LogFormat format;
    try {
      format = LogFormat.selected();
    } catch (IllegalArgumentException e) {
      format = LogFormat.TEXT;
    }
    delegate =
        switch (format) {
          case JSON -> {
            LogstashEncoder json = new LogstashEncoder();
            json.setTimeZone("UTC");
            yield json;
          }
          case TEXT -> {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(pattern);
            yield text;
          }
        };
    delegate.setContext(getContext());
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) {
      delegate.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
