package io.guildnet.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Cluster records. Credentials and settings live in their own tables, keyed by the cluster id. */
public final class ClusterRepository {

    public void upsert(Connection c, ClusterRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO clusters(id, name, state, created_at, updated_at) VALUES(?,?,?,?,?) "
                        + "ON CONFLICT(id) DO UPDATE SET name=excluded.name, state=excluded.state, updated_at=excluded.updated_at")) {
            ps.setString(1, r.id());
            ps.setString(2, r.name());
            ps.setString(3, r.state());
            ps.setString(4, r.createdAt());
            ps.setString(5, r.updatedAt());
            ps.executeUpdate();
        }
    }

    public Optional<ClusterRecord> get(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    public List<ClusterRecord> list(Connection c) throws SQLException {
        List<ClusterRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY created_at, id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(row(rs));
        }
        return out;
    }

    public boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM clusters WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    private static final String SELECT = "SELECT id, name, state, created_at, updated_at FROM clusters";

    private static ClusterRecord row(ResultSet rs) throws SQLException {
        return new ClusterRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5));
    }
}
