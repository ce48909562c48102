package dev.flowagg.node.settings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every {@code flowagg.*} setting as {@code flowagg.conf} documents it: its path, its environment variable, its
 * default and the comment above it. The file is the one source: {@code serve --help} lists what is read here, and a
 * setting's errors name the variable found here, so a setting added to the file needs nothing else to be documented.
 *
 * <p>The file's layout is what this reads: a setting is a {@code key = default} line, optionally followed by
 * {@code key = ${?FLOWAGG_VARIABLE}}, and described by the {@code #} lines right above it.
 */
public final class SettingsCatalog {

  /** One setting; {@code variable} is empty for settings that only the configuration file sets. */
  public record Setting(String path, Optional<String> variable, String defaultValue, String description) {}

  private static final Pattern SECTION = Pattern.compile("([A-Za-z0-9_.-]+)\\s*\\{");
  private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9_.-]+)\\s*=\\s*(.*)");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{\\?([A-Z0-9_]+)}");
  private static final String ROOT = "flowagg";
  private static final SettingsCatalog PACKAGED = parse(packagedText());

  private final List<Setting> settings;

  private SettingsCatalog(List<Setting> settings) {
    this.settings = List.copyOf(settings);
  }

  /** The settings of the {@code flowagg.conf} the jar carries: the defaults. */
  public static SettingsCatalog packaged() {
    return PACKAGED;
  }

  /** Reads the settings of {@code flowagg.conf} text. */
  public static SettingsCatalog parse(String confText) {
    Map<String, Setting> byPath = new LinkedHashMap<>();
    Deque<String> sections = new ArrayDeque<>();
    List<String> comment = new ArrayList<>();
    for (String raw : confText.split("\n", -1)) {
      String line = raw.strip();
      Matcher m;
      if (line.startsWith("#")) {
        comment.add(line.substring(1).strip());
      } else if (line.isEmpty()) {
        comment.clear();
      } else if (line.equals("}")) {
        sections.pop();
        comment.clear();
      } else if ((m = SECTION.matcher(line)).matches()) {
        sections.push(m.group(1));
        comment.clear();
      } else if ((m = VALUE.matcher(line)).matches()) {
        String path = path(sections, m.group(1));
        if (path.startsWith(ROOT + ".")) {
          Matcher variable = VARIABLE.matcher(m.group(2).strip());
          Setting known = byPath.get(path);
          if (variable.matches() && known != null) {
            byPath.put(path, new Setting(path, Optional.of(variable.group(1)), known.defaultValue(), known.description()));
          } else if (known == null) {
            byPath.put(path, new Setting(path, Optional.empty(), unquoted(m.group(2).strip()), String.join(" ", comment)));
          }
        }
        comment.clear();
      }
    }
    return new SettingsCatalog(new ArrayList<>(byPath.values()));
  }

  /** Every setting, in the file's order. */
  public List<Setting> settings() {
    return settings;
  }

  /** The setting at {@code path} (e.g. {@code flowagg.http.port}). */
  public Optional<Setting> at(String path) {
    return settings.stream().filter(s -> s.path().equals(path)).findFirst();
  }

  private static String path(Deque<String> sections, String key) {
    StringBuilder path = new StringBuilder();
    sections.descendingIterator().forEachRemaining(section -> path.append(section).append('.'));
    return path.append(key).toString();
  }

  private static String unquoted(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }

  private static String packagedText() {
    try (InputStream in = SettingsCatalog.class.getClassLoader().getResourceAsStream("flowagg.conf")) {
      if (in == null) {
        throw new IllegalStateException("flowagg.conf is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
