-- Version 3: Headscale server records (their pre-auth keys are credentials hs:<id>:preauth).
CREATE TABLE headscales (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    type       TEXT NOT NULL,
    state      TEXT NOT NULL,
    endpoint   TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT
);
