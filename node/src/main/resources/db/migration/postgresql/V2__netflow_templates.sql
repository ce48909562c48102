-- NetFlow v9/IPFIX templates, the durable copy of what the cluster shares in memory: a node (re)starting loads the
-- live ones so it decodes an exporter's data at once, without waiting for the exporter to send its templates again.
-- One row per template scope (RFC 7011 §3: exporter address and observation domain; RFC 3954: source id) and id;
-- "record" is the template record as exported, or an IPFIX withdrawal (id, 0); "options_data" the last options data
-- set sent for an options template (sampling rates).
CREATE TABLE IF NOT EXISTS netflow_template (
    exporter VARCHAR(45) NOT NULL,
    version INTEGER NOT NULL,
    domain_id BIGINT NOT NULL,
    template_id INTEGER NOT NULL,
    options BOOLEAN NOT NULL,
    record BYTEA NOT NULL,
    last_seen BIGINT NOT NULL,
    options_data BYTEA,
    PRIMARY KEY (exporter, version, domain_id, template_id)
);
