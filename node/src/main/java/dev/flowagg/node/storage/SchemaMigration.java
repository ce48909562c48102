package dev.flowagg.node.storage;

import dev.flowagg.node.settings.DatabaseSettings;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Creates or upgrades the journal and snapshot tables before the actor system starts using them. */
public final class SchemaMigration {

  private SchemaMigration() {}

  /** Applies the pending migrations for this database; safe to run on every start and from several nodes at once. */
  public static MigrateResult migrate(DatabaseSettings db) {
    return Flyway.configure(SchemaMigration.class.getClassLoader())
        .dataSource(db.url(), db.user(), db.password())
        .locations("classpath:db/migration/" + db.kind().migrationFolder)
        .table("flowagg_schema_history")
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }
}
