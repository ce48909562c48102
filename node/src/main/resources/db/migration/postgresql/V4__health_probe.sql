-- One row each node updates every second: a write the database must take for the node to answer ready.
CREATE TABLE IF NOT EXISTS flowagg_health (
    id INTEGER PRIMARY KEY,
    probed_at BIGINT NOT NULL
);
INSERT INTO flowagg_health (id, probed_at) VALUES (1, 0) ON CONFLICT DO NOTHING;
