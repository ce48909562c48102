package dev.flowagg.node.settings;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.classify.RulesFileException;
import dev.flowagg.protocol.vpclog.LookupTable;
import dev.flowagg.protocol.vpclog.LookupTableException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** The classification rules and the port/protocol lookup table a node names flows with, loaded once at start. */
public record Classification(ClassificationRules rules, LookupTable lookup) {

  /** Loads the files the settings name; a missing or bad file stops the start with a message naming it. */
  public static Classification load(NodeSettings settings) {
    return new Classification(
        load(settings.classificationFile(), "FLOWAGG_CLASSIFICATION_FILE", ClassificationRules::load,
            ClassificationRules.empty()),
        load(settings.lookupFile(), "FLOWAGG_LOOKUP_FILE", LookupTable::load, LookupTable.empty()));
  }

  private interface Loader<T> {
    T load(Path file) throws IOException;
  }

  private static <T> T load(Optional<Path> file, String setting, Loader<T> loader, T none) {
    if (file.isEmpty()) {
      return none;
    }
    try {
      return loader.load(file.get());
    } catch (IOException e) {
      throw new IllegalArgumentException(setting + ": cannot read " + file.get() + ": " + e.getMessage(), e);
    } catch (RulesFileException | LookupTableException e) {
      throw new IllegalArgumentException(setting + ": " + file.get() + ": " + e.getMessage(), e);
    }
  }
}
