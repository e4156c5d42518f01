package io.guildnet.cluster;

import io.guildnet.api.ApiException;
import io.guildnet.security.SecretBox;
import io.guildnet.security.SecretException;
import io.guildnet.store.ClusterRecord;
import io.guildnet.store.ClusterRepository;
import io.guildnet.store.Credential;
import io.guildnet.store.CredentialRepository;
import io.guildnet.store.Database;
import io.guildnet.store.PublishedServiceRepository;
import io.guildnet.store.SettingsRepository;
import jakarta.json.Json;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything the host database holds about clusters — record, kubeconfig
 * (encrypted), settings and the write-only tailnet key — behind one small API,
 * with each change in one transaction.
 */
public final class ClusterStore {

    static final String KIND = "cluster";

    private final Database db;
    private final Supplier<SecretBox> box;
    private final ClusterRepository clusters = new ClusterRepository();
    private final CredentialRepository credentials = new CredentialRepository();
    private final SettingsRepository settings = new SettingsRepository();
    private final PublishedServiceRepository published = new PublishedServiceRepository();

    public ClusterStore(Database db, Supplier<SecretBox> box) {
        this.db = db;
        this.box = box;
    }

    static String kubeconfigId(String id) { return "cl:" + id + ":kubeconfig"; }

    public static String secretId(String id, String field) { return "cl:" + id + ":" + field; }

    public List<ClusterRecord> list() { return read(c -> clusters.list(c)); }

    public Optional<ClusterRecord> get(String id) { return read(c -> clusters.get(c, id)); }

    public boolean exists(String id) { return get(id).isPresent(); }

    public void putRecord(ClusterRecord r) {
        write(c -> {
            clusters.upsert(c, r);
            return null;
        });
    }

    public void setState(String id, String state) {
        write(c -> {
            clusters.get(c, id).ifPresent(r -> {
                try {
                    clusters.upsert(c, new ClusterRecord(r.id(), r.name(), state, r.createdAt(), Instant.now().toString()));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            return null;
        });
    }

    public Optional<String> kubeconfig(String id) {
        return decrypt(kubeconfigId(id));
    }

    public boolean hasKubeconfig(String id) {
        return read(c -> credentials.get(c, kubeconfigId(id))).isPresent();
    }

    /** Ids of clusters with a stored kubeconfig (one query, for list views). */
    public java.util.Set<String> withKubeconfig() {
        return read(c -> credentials.scopeIdsOfKind(c, "cluster.kubeconfig"));
    }

    public void putKubeconfig(String id, String yaml) {
        write(c -> {
            putKubeconfig(c, id, yaml);
            return null;
        });
    }

    private void putKubeconfig(Connection c, String id, String yaml) throws SQLException {
        credentials.put(c, new Credential(kubeconfigId(id), "cluster", id, "cluster.kubeconfig",
                box.get().encrypt(yaml, kubeconfigId(id)), Instant.now().toString()));
    }

    public ClusterSettings settings(String id) {
        return read(c -> settings.get(c, KIND, id))
                .map(s -> ClusterSettings.fromStored(Json.createReader(new StringReader(s)).readObject()))
                .orElse(ClusterSettings.empty());
    }

    public boolean secretSet(String id) {
        return read(c -> credentials.get(c, secretId(id, ClusterSettings.SECRET_FIELD))).isPresent();
    }

    public boolean rdbPassSet(String id) {
        return read(c -> credentials.get(c, secretId(id, ClusterSettings.RDB_SECRET_FIELD))).isPresent();
    }

    public Optional<String> tailnetClientKey(String id) {
        return decrypt(secretId(id, ClusterSettings.SECRET_FIELD));
    }

    /** Stores settings and (when {@code secret} is non-null) sets ("" clears) the write-only key, in one transaction. */
    public void putSettings(String id, ClusterSettings s, String secret) {
        putSettings(id, s, secret, null);
    }

    /** As above, also setting ("" clears) the RethinkDB password when {@code rdbPass} is non-null. */
    public void putSettings(String id, ClusterSettings s, String secret, String rdbPass) {
        write(c -> {
            putSettings(c, id, s, secret);
            // the settings' name is the cluster's name (lists, health, the UI): renamed in the same transaction
            String name = s.string("name");
            if (!name.isBlank()) {
                var r = clusters.get(c, id);
                if (r.isPresent() && !r.get().name().equals(name)) {
                    clusters.upsert(c, new ClusterRecord(id, name, r.get().state(), r.get().createdAt(), Instant.now().toString()));
                }
            }
            if (rdbPass != null) {
                String sid = secretId(id, ClusterSettings.RDB_SECRET_FIELD);
                if (rdbPass.isEmpty()) credentials.delete(c, sid);
                else credentials.put(c, new Credential(sid, "cluster", id, "cluster.rdb_pass", box.get().encrypt(rdbPass, sid), Instant.now().toString()));
            }
            return null;
        });
    }

    private void putSettings(Connection c, String id, ClusterSettings s, String secret) throws SQLException {
        settings.put(c, KIND, id, s.stored().toString());
        if (secret != null) {
            String sid = secretId(id, ClusterSettings.SECRET_FIELD);
            if (secret.isEmpty()) {
                credentials.delete(c, sid);
            } else {
                credentials.put(c, new Credential(sid, "cluster", id, "cluster.ts_client_auth",
                        box.get().encrypt(secret, sid), Instant.now().toString()));
            }
        }
    }

    /** Record + kubeconfig + settings in one transaction (bootstrap). */
    public void createImported(ClusterRecord r, String kubeconfig, ClusterSettings s, String secret) {
        write(c -> {
            clusters.upsert(c, r);
            putKubeconfig(c, r.id(), kubeconfig);
            putSettings(c, r.id(), s, secret);
            return null;
        });
    }

    /** Removes the record and everything keyed by the cluster id, in one transaction. */
    public boolean delete(String id) {
        return write(c -> {
            boolean had = clusters.delete(c, id);
            credentials.deleteScope(c, "cluster", id);
            settings.delete(c, KIND, id);
            published.deleteCluster(c, id);
            return had;
        });
    }

    private Optional<String> decrypt(String credId) {
        Optional<Credential> cr = read(c -> credentials.get(c, credId));
        if (cr.isEmpty()) return Optional.empty();
        try {
            return Optional.of(box.get().decrypt(cr.get().value(), credId));
        } catch (SecretException e) {
            throw new ApiException(503, "secret_unreadable", "stored secret " + credId + " cannot be read: " + e.getMessage());
        }
    }

    private <T> T read(Database.Work<T> w) {
        return io.guildnet.store.Transactions.read(db, w);
    }

    private <T> T write(Database.Work<T> w) {
        return io.guildnet.store.Transactions.write(db, w);
    }
}
