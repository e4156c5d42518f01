-- GuildNet host state, version 1.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE clusters (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    state      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT
);

-- value is always a SecretBox envelope (gn1:<keyId>:...), never plaintext.
CREATE TABLE credentials (
    id         TEXT PRIMARY KEY,
    scope_type TEXT NOT NULL,
    scope_id   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    value      TEXT NOT NULL,
    rotated_at TEXT NOT NULL
);
CREATE INDEX credentials_scope ON credentials(scope_type, scope_id);

-- kind: tailscale | database | global | cluster; scope: '' or a cluster id. value: JSON without secrets.
CREATE TABLE settings (
    kind       TEXT NOT NULL,
    scope      TEXT NOT NULL DEFAULT '',
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, scope)
);

CREATE TABLE agents (
    id           TEXT PRIMARY KEY,
    org          TEXT NOT NULL DEFAULT '',
    hostname     TEXT,
    ip           TEXT NOT NULL,
    ports        TEXT,
    capabilities TEXT,
    version      TEXT,
    last_seen    TEXT NOT NULL
);

CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    ts          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id   TEXT,
    details     TEXT
);

CREATE TABLE published_services (
    cluster_id TEXT NOT NULL,
    service    TEXT NOT NULL,
    addr       TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    PRIMARY KEY (cluster_id, service)
);

CREATE TABLE jobs (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    spec_json TEXT NOT NULL,
    status    TEXT NOT NULL,
    progress  REAL NOT NULL DEFAULT 0,
    created   TEXT NOT NULL,
    updated   TEXT NOT NULL,
    result    TEXT,
    error     TEXT
);
