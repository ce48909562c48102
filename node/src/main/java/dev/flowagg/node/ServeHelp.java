package dev.flowagg.node;

import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.settings.SettingsCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The parts of {@code serve --help} written from one source each, never by hand: every setting with its environment
 * variable and default from {@code flowagg.conf} ({@link SettingsCatalog}), and the exit codes from {@link ExitCode}.
 */
final class ServeHelp {

  private static final String SETTINGS_SECTION = "settings";
  private static final String INDENT = "  ";
  private static final String DESCRIPTION_INDENT = "      ";

  private ServeHelp() {}

  static void addTo(CommandLine serve, SettingsCatalog catalog) {
    UsageMessageSpec usage = serve.getCommandSpec().usageMessage();
    serve.getHelpSectionMap().put(SETTINGS_SECTION, help -> settings(catalog, usage.width()));
    List<String> sections = new ArrayList<>(serve.getHelpSectionKeys());
    sections.add(sections.indexOf(UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST_HEADING), SETTINGS_SECTION);
    serve.setHelpSectionKeys(sections);
    Map<String, String> codes = new LinkedHashMap<>();
    for (ExitCode code : ExitCode.values()) {
      codes.put(Integer.toString(code.code()), code.meaning());
    }
    usage.exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
  }

  /** Settings with a variable first, then those only a configuration file sets, each in the file's order. */
  static String settings(SettingsCatalog catalog, int width) {
    StringBuilder text = new StringBuilder("\nSettings (environment variables, with their defaults):\n");
    for (SettingsCatalog.Setting s : catalog.settings()) {
      s.variable().ifPresent(variable -> {
        text.append(INDENT).append(variable)
            .append(s.defaultValue().isEmpty() ? " (unset by default)" : " (default " + s.defaultValue() + ")")
            .append('\n');
        wrap(s.description(), width, text);
      });
    }
    text.append("\nSettings only a configuration file sets (path = default):\n");
    for (SettingsCatalog.Setting s : catalog.settings()) {
      if (s.variable().isEmpty()) {
        text.append(INDENT).append(s.path()).append(" = ").append(s.defaultValue()).append('\n');
        wrap(s.description(), width, text);
      }
    }
    return text.toString();
  }

  private static void wrap(String description, int width, StringBuilder text) {
    StringBuilder line = new StringBuilder(DESCRIPTION_INDENT);
    for (String word : description.split(" +")) {
      if (word.isEmpty()) {
        continue;
      }
      if (line.length() > DESCRIPTION_INDENT.length() && line.length() + 1 + word.length() > width) {
        text.append(line).append('\n');
        line.setLength(0);
        line.append(DESCRIPTION_INDENT);
      }
      line.append(line.length() > DESCRIPTION_INDENT.length() ? " " : "").append(word);
    }
    if (line.length() > DESCRIPTION_INDENT.length()) {
      text.append(line).append('\n');
    }
  }
}
