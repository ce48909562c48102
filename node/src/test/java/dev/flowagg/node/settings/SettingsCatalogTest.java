package dev.flowagg.node.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SettingsCatalogTest {

  @Test
  void aSettingIsItsPathDefaultVariableAndTheCommentAboveIt() {
    SettingsCatalog catalog = SettingsCatalog.parse("""
        # The header is no setting's.

        flowagg {
          http {
            # Port of the HTTP API;
            # 0 picks one.
            port = 8080
            port = ${?FLOWAGG_HTTP_PORT}
            # Only in the file.
            backlog = 100
          }
          name = "a b"
        }
        pekko {
          loglevel = "INFO"
        }
        """);

    assertThat(catalog.settings()).containsExactly(
        new SettingsCatalog.Setting(
            "flowagg.http.port", Optional.of("FLOWAGG_HTTP_PORT"), "8080", "Port of the HTTP API; 0 picks one."),
        new SettingsCatalog.Setting("flowagg.http.backlog", Optional.empty(), "100", "Only in the file."),
        new SettingsCatalog.Setting("flowagg.name", Optional.empty(), "a b", ""));
  }

  @Test
  void everyVariableOfThePackagedFileIsInTheCatalogWithADescription() {
    String conf = SettingsCatalogTest.class.getClassLoader().resources("flowagg.conf").findFirst()
        .map(url -> {
          try (var in = url.openStream()) {
            return new String(in.readAllBytes());
          } catch (java.io.IOException e) {
            throw new AssertionError(e);
          }
        }).orElseThrow();
    String settingLines = conf.lines().filter(l -> !l.strip().startsWith("#")).collect(Collectors.joining("\n"));
    Matcher variables = Pattern.compile("\\$\\{\\?(FLOWAGG_[A-Z0-9_]+)}").matcher(settingLines);
    int count = 0;
    while (variables.find()) {
      String variable = variables.group(1);
      assertThat(SettingsCatalog.packaged().settings())
          .filteredOn(s -> s.variable().equals(Optional.of(variable)))
          .singleElement()
          .satisfies(s -> assertThat(s.description()).as(variable + " needs a comment in flowagg.conf").isNotBlank());
      count++;
    }
    assertThat(count).isGreaterThan(25);
  }

  @Test
  void everySettingOfThePackagedFileHasADescription() {
    assertThat(SettingsCatalog.packaged().settings())
        .allSatisfy(s -> assertThat(s.description()).as(s.path() + " needs a comment in flowagg.conf").isNotBlank());
  }
}
