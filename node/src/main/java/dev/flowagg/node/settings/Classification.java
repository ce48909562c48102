package dev.flowagg.node.settings;

import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.process.IoReason;
import dev.flowagg.node.process.StartFailure;
import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.classify.RulesFileException;
import dev.flowagg.protocol.vpclog.LookupTable;
import dev.flowagg.protocol.vpclog.LookupTableException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The classification rules and the port/protocol lookup table a node names flows with, loaded once at start. */
public record Classification(ClassificationRules rules, LookupTable lookup, List<String> filesLoaded) {

  /**
   * Loads the files the settings name; a file that cannot be read (with the operating system's reason) or parsed
   * stops the start with a line naming its setting.
   */
  public static Classification load(NodeSettings settings) {
    List<String> loaded = new ArrayList<>();
    ClassificationRules rules = load(settings.classificationFile(), "FLOWAGG_CLASSIFICATION_FILE",
        ClassificationRules::load, ClassificationRules.empty());
    settings.classificationFile().ifPresent(file -> loaded.add("classification " + file));
    LookupTable lookup = load(settings.lookupFile(), "FLOWAGG_LOOKUP_FILE", LookupTable::load, LookupTable.empty());
    settings.lookupFile().ifPresent(file -> loaded.add("lookup " + file + " (" + lookup.size() + " rows)"));
    return new Classification(rules, lookup, List.copyOf(loaded));
  }

  private interface Loader<T> {
    T load(Path file) throws IOException;
  }

  private static <T> T load(Optional<Path> file, String variable, Loader<T> loader, T none) {
    if (file.isEmpty()) {
      return none;
    }
    try {
      return loader.load(file.get());
    } catch (IOException e) {
      throw new StartFailure(
          ExitCode.UNUSABLE_FILE,
          variable + "=" + file.get() + ": cannot read it: " + IoReason.of(e) + "; fix the path or unset " + variable);
    } catch (RulesFileException | LookupTableException e) {
      throw new StartFailure(ExitCode.UNUSABLE_FILE, variable + "=" + file.get() + ": " + e.getMessage());
    }
  }
}
