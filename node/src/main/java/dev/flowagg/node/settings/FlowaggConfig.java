package dev.flowagg.node.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.process.StartFailure;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * A section of the {@code flowagg.*} configuration, read like a {@link Config}, except that a value of the wrong kind
 * fails with one line naming the environment variable (or the path) that gave it, the value, and what to give
 * instead; {@code FLOWAGG_HTTP_PORT=abc} says so, not {@code http.port has type STRING rather than NUMBER}.
 */
public final class FlowaggConfig {

  private final Config config;
  private final String prefix;
  private final SettingsCatalog catalog;

  private FlowaggConfig(Config config, String prefix, SettingsCatalog catalog) {
    this.config = config;
    this.prefix = prefix;
    this.catalog = catalog;
  }

  /** The section at {@code path} of a resolved configuration, e.g. {@code flowagg} or {@code flowagg.ingest}. */
  public static FlowaggConfig of(Config resolved, String path) {
    return new FlowaggConfig(resolved.getConfig(path), path + ".", SettingsCatalog.packaged());
  }

  public FlowaggConfig getConfig(String path) {
    return new FlowaggConfig(config.getConfig(path), prefix + path + ".", catalog);
  }

  public String getString(String path) {
    return read(path, config::getString, "a single value");
  }

  public int getInt(String path) {
    return read(path, config::getInt, "a whole number");
  }

  /** A TCP or UDP port: 0 to 65535 (what 0 means is the setting's to say). */
  public int getPort(String path) {
    int port = read(path, config::getInt, "a port number: a whole number from 0 to 65535");
    if (port < 0 || port > 65535) {
      throw invalid(path, "a port number: a whole number from 0 to 65535");
    }
    return port;
  }

  public boolean getBoolean(String path) {
    return read(path, config::getBoolean, "on or off (true or false)");
  }

  public Duration getDuration(String path) {
    return read(path, config::getDuration, "a duration: a number and a unit, such as 500ms, 15s, 2m or 24h");
  }

  public Long getBytes(String path) {
    return read(path, config::getBytes, "a size: a number of bytes, or a number and a unit such as 512k or 8m");
  }

  private <T> T read(String path, Function<String, T> getter, String expected) {
    try {
      return getter.apply(path);
    } catch (ConfigException.Missing | ConfigException.WrongType | ConfigException.BadValue e) {
      throw invalid(path, expected);
    }
  }

  private StartFailure invalid(String path, String expected) {
    String fullPath = prefix + path;
    Optional<SettingsCatalog.Setting> setting = catalog.at(fullPath);
    Optional<String> variable = setting.flatMap(SettingsCatalog.Setting::variable).filter(v -> System.getenv(v) != null);
    String fallback =
        setting.map(s -> s.defaultValue().isEmpty() ? "" : " (" + s.defaultValue() + ")").orElse("");
    if (variable.isPresent()) {
      return new StartFailure(
          ExitCode.BAD_SETTING,
          variable.get() + "=" + System.getenv(variable.get()) + " is not " + expected + "; fix it, or unset "
              + variable.get() + " to use the default" + fallback);
    }
    if (!config.hasPathOrNull(path)) {
      return new StartFailure(ExitCode.BAD_SETTING, fullPath + " is missing; give " + expected);
    }
    ConfigValue value = config.getValue(path);
    return new StartFailure(
        ExitCode.BAD_SETTING,
        fullPath + " = " + value.render() + " (" + value.origin().description() + ") is not " + expected
            + setting.map(s -> "; the default is " + s.defaultValue()).orElse(""));
  }
}
