package io.guildnet.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Encrypted credentials (kubeconfigs, auth keys, passwords). Holds envelopes only. */
public final class CredentialRepository {

    public void put(Connection c, Credential cr) throws SQLException {
        if (!cr.value().startsWith("gn1:")) throw new IllegalArgumentException("refusing to store an unencrypted credential");
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO credentials(id, scope_type, scope_id, kind, value, rotated_at) VALUES(?,?,?,?,?,?) "
                        + "ON CONFLICT(id) DO UPDATE SET scope_type=excluded.scope_type, scope_id=excluded.scope_id, "
                        + "kind=excluded.kind, value=excluded.value, rotated_at=excluded.rotated_at")) {
            ps.setString(1, cr.id());
            ps.setString(2, cr.scopeType());
            ps.setString(3, cr.scopeId());
            ps.setString(4, cr.kind());
            ps.setString(5, cr.value());
            ps.setString(6, cr.rotatedAt());
            ps.executeUpdate();
        }
    }

    public Optional<Credential> get(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, scope_type, scope_id, kind, value, rotated_at FROM credentials WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    public List<Credential> all(Connection c) throws SQLException {
        List<Credential> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, scope_type, scope_id, kind, value, rotated_at FROM credentials ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(row(rs));
        }
        return out;
    }

    /** Scope ids of every credential of a kind (no values are read). */
    public java.util.Set<String> scopeIdsOfKind(Connection c, String kind) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT scope_id FROM credentials WHERE kind = ?")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    public boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM credentials WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    public int deleteScope(Connection c, String scopeType, String scopeId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM credentials WHERE scope_type = ? AND scope_id = ?")) {
            ps.setString(1, scopeType);
            ps.setString(2, scopeId);
            return ps.executeUpdate();
        }
    }

    private static Credential row(ResultSet rs) throws SQLException {
        return new Credential(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6));
    }
}
