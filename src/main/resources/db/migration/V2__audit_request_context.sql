-- Version 2: audit entries carry the request id and outcome, and are queried by time and entity.
ALTER TABLE audit ADD COLUMN request_id TEXT;
ALTER TABLE audit ADD COLUMN status INTEGER;
CREATE INDEX audit_ts ON audit(ts);
CREATE INDEX audit_entity ON audit(entity_type, entity_id);
CREATE INDEX audit_actor ON audit(actor);
