package io.guildnet.store;

import io.guildnet.api.ApiException;
import io.guildnet.config.GuildNetConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The application's handle on local state: the SQLite database and its repositories. */
@ApplicationScoped
public class StateStore {

    private static final Logger LOG = Logger.getLogger(StateStore.class.getName());

    @Inject
    GuildNetConfig config;

    private Database db;

    private final ClusterRepository clusters = new ClusterRepository();
    private final CredentialRepository credentials = new CredentialRepository();
    private final SettingsRepository settings = new SettingsRepository();
    private final AgentRepository agents = new AgentRepository();
    private final AuditRepository audit = new AuditRepository();
    private final PublishedServiceRepository published = new PublishedServiceRepository();
    private final JobRepository jobs = new JobRepository();
    private final MetaRepository meta = new MetaRepository();
    private final HeadscaleRepository headscales = new HeadscaleRepository();

    @PostConstruct
    void open() {
        try {
            db = Database.open(config.databaseFile());
            LOG.info("State database " + db.file() + " at schema version " + Migrations.version(db));
        } catch (IOException | SQLException e) {
            LOG.log(Level.SEVERE, "Cannot open the state database " + config.databaseFile() + ": " + e.getMessage(), e);
            throw new IllegalStateException("cannot open state database " + config.databaseFile() + ": " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void close() {
        if (db != null) db.close();
    }

    public Database db() { return db; }

    public ClusterRepository clusters() { return clusters; }

    public CredentialRepository credentials() { return credentials; }

    public SettingsRepository settings() { return settings; }

    public AgentRepository agents() { return agents; }

    public AuditRepository audit() { return audit; }

    public PublishedServiceRepository published() { return published; }

    public JobRepository jobs() { return jobs; }

    public MetaRepository meta() { return meta; }

    public HeadscaleRepository headscales() { return headscales; }


    public <T> T read(Database.Work<T> work) {
        return Transactions.read(db, work);
    }

    public <T> T write(Database.Work<T> work) {
        return Transactions.write(db, work);
    }
}
