-- The tables Pekko Persistence JDBC uses on H2: its default column layout, quoted lower-case names as Slick's
-- H2 profile expects. Applied once by Flyway at node start. Two changes from the layout the plugin ships, both for
-- write speed: event payloads are VARBINARY (a BLOB goes through H2's separate LOB store on every insert), and
-- "ordering" is the primary key, so H2 stores rows in insertion order (appends) and keeps one more index, unique
-- on (persistence_id, sequence_number), instead of three B-trees per insert.
CREATE TABLE IF NOT EXISTS PUBLIC."event_journal" (
    "ordering" BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    "deleted" BOOLEAN DEFAULT false NOT NULL,
    "persistence_id" VARCHAR(255) NOT NULL,
    "sequence_number" BIGINT NOT NULL,
    "writer" VARCHAR NOT NULL,
    "write_timestamp" BIGINT NOT NULL,
    "adapter_manifest" VARCHAR NOT NULL,
    "event_payload" VARBINARY NOT NULL,
    "event_ser_id" INTEGER NOT NULL,
    "event_ser_manifest" VARCHAR NOT NULL,
    "meta_payload" VARBINARY,
    "meta_ser_id" INTEGER,
    "meta_ser_manifest" VARCHAR,
    CONSTRAINT "event_journal_persistence_id_sequence_number" UNIQUE ("persistence_id", "sequence_number")
);

CREATE TABLE IF NOT EXISTS PUBLIC."event_tag" (
    "event_id" BIGINT NOT NULL,
    "tag" VARCHAR NOT NULL,
    PRIMARY KEY("event_id", "tag"),
    CONSTRAINT "fk_event_journal" FOREIGN KEY("event_id") REFERENCES PUBLIC."event_journal"("ordering") ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS PUBLIC."snapshot" (
    "persistence_id" VARCHAR(255) NOT NULL,
    "sequence_number" BIGINT NOT NULL,
    "created" BIGINT NOT NULL,
    "snapshot_ser_id" INTEGER NOT NULL,
    "snapshot_ser_manifest" VARCHAR NOT NULL,
    "snapshot_payload" BLOB NOT NULL,
    "meta_ser_id" INTEGER,
    "meta_ser_manifest" VARCHAR,
    "meta_payload" BLOB,
    PRIMARY KEY("persistence_id", "sequence_number")
);
