-- The tables `cfssl serve -db-config` writes every issued certificate to (cfssl's certdb, SQLite driver), so that
-- scripts/bench.sh can also compare against a cfssl that records what it signs. Columns as cfssl's certdb expects
-- them (its later metadata columns included; older cfssl versions leave them NULL). WAL, the fastest safe mode.
PRAGMA journal_mode = WAL;
CREATE TABLE certificates (
    serial_number BLOB NOT NULL,
    authority_key_identifier BLOB NOT NULL,
    ca_label BLOB,
    status BLOB NOT NULL,
    reason INT,
    created_at TIMESTAMP,
    expiry TIMESTAMP,
    revoked_at TIMESTAMP,
    pem BLOB NOT NULL,
    issued_at TIMESTAMP,
    not_before TIMESTAMP,
    originating_host TEXT,
    sans TEXT,
    tags TEXT,
    common_name TEXT,
    filename TEXT,
    application_name TEXT,
    PRIMARY KEY (serial_number, authority_key_identifier)
);
CREATE INDEX certificates_created_at ON certificates (created_at);
CREATE INDEX certificates_revoked_at ON certificates (revoked_at);
CREATE TABLE ocsp_responses (
    serial_number BLOB NOT NULL,
    authority_key_identifier BLOB NOT NULL,
    body BLOB NOT NULL,
    expiry TIMESTAMP,
    PRIMARY KEY (serial_number, authority_key_identifier),
    FOREIGN KEY (serial_number, authority_key_identifier) REFERENCES certificates (serial_number, authority_key_identifier)
);
