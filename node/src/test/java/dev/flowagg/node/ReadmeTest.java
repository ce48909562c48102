package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.metrics.RouteLabel;
import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.settings.SettingsCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The front README says what the code does: every route, settings that exist with their defaults, every exit code. */
class ReadmeTest {

  private static final Path README = Path.of(System.getProperty("user.dir")).resolve("../README.md");

  /** The table rows of the README section under {@code heading}. */
  private static List<String> tableRows(String heading) throws IOException {
    List<String> lines = Files.readAllLines(README);
    return lines.stream()
        .dropWhile(l -> !l.equals("## " + heading))
        .skip(1)
        .takeWhile(l -> !l.startsWith("## "))
        .filter(l -> l.startsWith("| ") && !l.startsWith("|---"))
        .skip(1)
        .toList();
  }

  @Test
  void theApiTableHasEveryRoute() throws IOException {
    List<String> paths = tableRows("HTTP API").stream()
        .map(row -> row.substring(2, row.indexOf(" |", 2)))
        .map(cell -> cell.replaceAll("`[A-Z]+ ([^`?]+).*", "$1"))
        .toList();

    assertThat(paths).containsAll(RouteLabel.ROUTES);
  }

  @Test
  void everySettingInTheTableExistsWithTheDefaultItStates() throws IOException {
    Pattern variable = Pattern.compile("`(FLOWAGG_[A-Z0-9_]+)`");
    List<String> rows = tableRows("Settings");
    assertThat(rows).isNotEmpty();
    for (String row : rows) {
      String[] cells = row.split(" \\| ");
      Matcher names = variable.matcher(cells[0]);
      List<String> defaults = List.of(cells[1].split(", "));
      for (int i = 0; names.find(); i++) {
        String name = names.group(1);
        Optional<SettingsCatalog.Setting> setting = SettingsCatalog.packaged().settings().stream()
            .filter(s -> s.variable().equals(Optional.of(name))).findFirst();
        assertThat(setting).as(name + " is a setting of flowagg.conf").isPresent();
        String stated = defaults.get(Math.min(i, defaults.size() - 1));
        assertThat(stated).as(name).isEqualTo(
            setting.get().defaultValue().isEmpty() ? "(empty)" : "`" + setting.get().defaultValue() + "`");
      }
    }
  }

  @Test
  void theExitCodeTableHasEveryCodeAndItsMeaning() throws IOException {
    String readme = Files.readString(README);

    for (ExitCode code : ExitCode.values()) {
      assertThat(readme).contains("| `" + code.code() + "` | " + code.meaning() + " |");
    }
  }
}
