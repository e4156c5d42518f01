package io.guildnet.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Settings documents (JSON without secrets), keyed by kind and scope ('' for host-wide). */
public final class SettingsRepository {

    public Optional<String> get(Connection c, String kind, String scope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM settings WHERE kind = ? AND scope = ?")) {
            ps.setString(1, kind);
            ps.setString(2, scope);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public void put(Connection c, String kind, String scope, String json) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO settings(kind, scope, value, updated_at) VALUES(?,?,?,?) "
                        + "ON CONFLICT(kind, scope) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at")) {
            ps.setString(1, kind);
            ps.setString(2, scope);
            ps.setString(3, json);
            ps.setString(4, Instant.now().toString());
            ps.executeUpdate();
        }
    }

    public boolean delete(Connection c, String kind, String scope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM settings WHERE kind = ? AND scope = ?")) {
            ps.setString(1, kind);
            ps.setString(2, scope);
            return ps.executeUpdate() > 0;
        }
    }
}
