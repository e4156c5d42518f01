-- Version 4: a Headscale record may be managed in a cluster (k8s/headscale.yaml applied to
-- cluster_id/namespace by ?action=start); NULL cluster_id = an external Headscale.
ALTER TABLE headscales ADD COLUMN cluster_id TEXT;
ALTER TABLE headscales ADD COLUMN namespace TEXT;
