-- The read model: byte totals per flow tuple and hour (and per day, once a day has ended), written by the FlowSlice
-- entities in the same transaction that records which of their events the tables hold, so every total here is
-- exactly the sum of the stored events. Queries read only these tables, never the entities.
--
-- A tuple id is its slice in the high bits and a number the slice gave it in the low 32 bits. H2 keeps a table's
-- rows in the B-tree of its BIGINT primary key, so the hourly and daily rows are keyed by one packed number,
-- (epoch hour or day) * 2^38 + tuple id: one B-tree per write instead of a row tree and an index, and an hour's
-- rows are one key range.
CREATE TABLE IF NOT EXISTS flow_tuple (
    id BIGINT PRIMARY KEY,
    src_app VARCHAR(255) NOT NULL,
    dest_app VARCHAR(255) NOT NULL,
    vpc_id VARCHAR(255) NOT NULL,
    -- The newest hour with bytes for this tuple: tuples unseen for longer than the retention are deleted.
    last_hour BIGINT NOT NULL
);
-- Names are unique; queries filter names in memory (see TupleDictionary), so no other index is kept.
CREATE UNIQUE INDEX IF NOT EXISTS flow_tuple_names ON flow_tuple (src_app, dest_app, vpc_id);

CREATE TABLE IF NOT EXISTS flow_hour (
    row_key BIGINT PRIMARY KEY,
    bytes_tx BIGINT NOT NULL,
    bytes_rx BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS flow_day (
    row_key BIGINT PRIMARY KEY,
    bytes_tx BIGINT NOT NULL,
    bytes_rx BIGINT NOT NULL
);

-- Per slice: the sequence number of its newest event in these tables, and the last day summed into flow_day.
CREATE TABLE IF NOT EXISTS flow_slice (
    slice INTEGER PRIMARY KEY,
    seq BIGINT NOT NULL,
    rolled_up_day BIGINT NOT NULL
);

-- Per (epoch hour or day, slice): the event that last changed those rows, so a reader can tell what moved.
CREATE TABLE IF NOT EXISTS flow_hour_change (
    epoch_hour BIGINT NOT NULL,
    slice INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (epoch_hour, slice)
);
CREATE TABLE IF NOT EXISTS flow_day_change (
    epoch_day BIGINT NOT NULL,
    slice INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (epoch_day, slice)
);
