package io.guildnet.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Versioned schema migrations, applied in order, each in its own transaction
 * together with the new {@code PRAGMA user_version}: a failure leaves the
 * database at the previous version, untouched.
 */
public final class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class.getName());

    /** Classpath scripts, in order; version = position + 1. Append only, never edit a released one. */
    static final List<String> SCRIPTS = List.of(
            "db/migration/V1__initial_schema.sql",
            "db/migration/V2__audit_request_context.sql",
            "db/migration/V3__headscale.sql",
            "db/migration/V4__headscale_managed.sql");

    private Migrations() {}

    public static int latest() { return SCRIPTS.size(); }

    static void apply(Database db) throws SQLException, IOException {
        apply(db, SCRIPTS.size());
    }

    /** Applies migrations up to {@code target} (tests use this to build an older database). */
    static void apply(Database db, int target) throws SQLException, IOException {
        int current = version(db);
        if (current > SCRIPTS.size()) {
            throw new SQLException("state database " + db.file() + " is at schema version " + current
                    + ", newer than this Host App understands (" + SCRIPTS.size() + "); use a newer Host App");
        }
        for (int v = current + 1; v <= target; v++) {
            List<String> statements = statements(load(SCRIPTS.get(v - 1)));
            final int version = v;
            db.write(c -> {
                try (Statement s = c.createStatement()) {
                    for (String sql : statements) s.execute(sql);
                    s.execute("PRAGMA user_version = " + version);
                }
                return null;
            });
            LOG.info("State database " + db.file() + " migrated to schema version " + v);
        }
    }

    public static int version(Database db) throws SQLException {
        return db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        });
    }

    private static String load(String resource) throws IOException {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IOException("missing migration script " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Splits a script into statements at semicolons ending a line; strips '--' comment lines. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (t.startsWith("--") || t.isEmpty()) continue;
            cur.append(line).append('\n');
            if (t.endsWith(";")) {
                out.add(cur.toString().strip().replaceAll(";$", ""));
                cur.setLength(0);
            }
        }
        if (!cur.toString().isBlank()) out.add(cur.toString().strip());
        return out;
    }
}
